"""The clocks of the SBNI's steps: paused while the panel answers, where the timescale says so;
the Chair's from the recommendation; the Panel's again from the Chair's request for more."""

import datetime

from django.utils import timezone

from referrals import deadlines, services
from referrals.consideration import DecisionValues
from referrals.models import Decision, InformationRequest, Recommendation, Referral, Timescale
from reviews import services as reviews
from tests.conftest import Personas
from tests.referrals import flow

SOON = timezone.localdate() + datetime.timedelta(days=14)


def moment(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+01:00")


def clock(referral: Referral) -> deadlines.Deadline | None:
    """The next deadline once the records moved back in time here are read again, as the next
    change of the referral's clock would read them."""
    referral = Referral.objects.get(pk=referral.pk)
    deadlines.store_due_date(referral)
    return deadlines.next_deadline(referral)


def sent_on_10_july_and_asked(personas: Personas) -> Referral:
    """Sent Friday 10 July 2026; asked on Monday 20 July, answered on Friday 24 July."""
    referral = flow.acknowledged(personas)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=moment("2026-07-10"))
    asked = services.request_information(
        referral, question="Fictional?", due_date=SOON, by=personas.sbni_officer
    )
    services.answer_information_request(asked, answer="Fictional.", by=personas.belfast_chair)
    InformationRequest.objects.filter(pk=asked.pk).update(
        asked_at=moment("2026-07-20"), answered_at=moment("2026-07-24")
    )
    return referral


def test_the_panels_clock_pauses_while_the_panel_answers(personas: Personas) -> None:
    referral = sent_on_10_july_and_asked(personas)
    read = deadlines.clocks(Referral.objects.filter(pk=referral.pk)).get()
    assert deadlines.Clock.of(read).waited(datetime.date(2026, 7, 10)) == 4
    deadline = clock(referral)
    assert deadline is not None
    assert deadline.step == Timescale.Step.CMR_PANEL
    # 30 working days from 10 July end on 24 August; 4 more on 28 August.
    assert deadline.due == datetime.date(2026, 8, 28)


def test_a_clock_that_does_not_pause_ignores_the_wait(personas: Personas) -> None:
    Timescale.objects.filter(step=Timescale.Step.CMR_PANEL).update(pauses_while_waiting=False)
    referral = sent_on_10_july_and_asked(personas)
    deadline = clock(referral)
    assert deadline is not None
    assert deadline.due == datetime.date(2026, 8, 24)


def test_the_chairs_clock_runs_from_the_recommendation(personas: Personas) -> None:
    recommendation = flow.recommended(personas)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        recorded_at=moment("2026-07-09")  # a Thursday: 10 working days skip 13 July
    )
    deadline = clock(recommendation.item.referral)
    assert deadline is not None
    assert deadline.step == Timescale.Step.CHAIR_DECISION
    assert deadline.due == datetime.date(2026, 7, 24)


def test_the_panels_clock_starts_again_when_the_chair_asks_for_more(
    personas: Personas,
) -> None:
    referral = flow.recommended(personas).item.referral
    decision = reviews.decide(
        referral,
        DecisionValues("more_information", "Fictional: the police report."),
        by=personas.sbni_chair,
    )
    Decision.objects.filter(pk=decision.pk).update(decided_at=moment("2026-09-01"))
    deadline = clock(referral)
    assert deadline is not None
    assert deadline.step == Timescale.Step.CMR_PANEL
    assert deadline.due == datetime.date(2026, 10, 13)  # 30 working days from 1 September
