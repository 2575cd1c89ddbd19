"""The due date stored on a referral (``Referral.due_on``) after every change that moves its clock
is the one its records give by the rule (``deadlines.Clock.due``): none is ever left stale, and
the pages, the queue and the reminders read it."""

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days
from referrals import consideration, deadlines, services
from referrals.models import Outcome, Referral, Timescale
from reviews import services as reviews
from tests.conftest import Personas
from tests.referrals import flow
from tests.referrals.test_referral_services import ready_to_send

Step = Timescale.Step
WEEK = datetime.timedelta(days=7)


def stored(referral: Referral) -> datetime.date | None:
    """The referral's stored due date, once it is shown to be the one its records give now."""
    read = deadlines.clocks(Referral.objects.filter(pk=referral.pk)).get()
    assert read.due_on == deadlines.Clock.of(read).due(deadlines.timescales())
    return read.due_on


def step(referral: Referral) -> str | None:
    deadline = deadlines.next_deadline(Referral.objects.get(pk=referral.pk))
    return deadline.step if deadline else None


def at(day: datetime.date) -> time_machine.travel:
    """At ten in the morning of a day."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10)))


def test_every_change_of_a_referrals_clock_stores_its_due_date(personas: Personas) -> None:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    ready_to_send(referral, personas.belfast_member)
    assert stored(referral) is None

    sent = add_working_days(timezone.localdate(), 1)
    with at(sent):
        services.submit_referral(referral, by=personas.belfast_member)
        assert stored(referral) == add_working_days(sent, 2)
        assert step(referral) == Step.ACKNOWLEDGE
        services.acknowledge_referral(referral, by=personas.sbni_officer)
        assert stored(referral) == add_working_days(sent, 30)
        assert step(referral) == Step.CMR_PANEL
    asked_on = add_working_days(sent, 1)
    with at(asked_on):
        asked = services.request_information(
            referral, question="Fictional?", due_date=asked_on + WEEK, by=personas.sbni_officer
        )
        assert stored(referral) == asked_on + WEEK
        assert step(referral) == Step.INFORMATION_ANSWER
    recommended = add_working_days(asked_on, 3)
    with at(recommended):
        # Answered three working days later: the CMR Panel's clock paused meanwhile.
        services.answer_information_request(asked, answer="Fictional.", by=personas.belfast_chair)
        assert stored(referral) == add_working_days(sent, 33)
        assert step(referral) == Step.CMR_PANEL

        meeting = flow.meeting_today(personas)
        item = consideration.add_to_agenda(meeting, referral, by=personas.sbni_officer)
        assert stored(referral) == add_working_days(sent, 33)
        consideration.remove_from_agenda(item, by=personas.sbni_officer)
        assert stored(referral) == add_working_days(sent, 33)
        item = consideration.add_to_agenda(meeting, referral, by=personas.sbni_officer)
        flow.everyone_present(meeting, personas)
        consideration.recommend(item, flow.recommendation_values(), by=personas.cmr_panel_chair)
        assert stored(referral) == add_working_days(recommended, 10)
        assert step(referral) == Step.CHAIR_DECISION
    asked_on = add_working_days(recommended, 1)
    with at(asked_on):
        asked = services.request_information(
            referral,
            question="Fictional again?",
            due_date=asked_on + WEEK,
            by=personas.sbni_officer,
        )
        assert stored(referral) == asked_on + WEEK
    with at(add_working_days(asked_on, 2)):
        services.answer_information_request(asked, answer="Fictional.", by=personas.belfast_chair)
        # The Chair's clock paused for two working days.
        assert stored(referral) == add_working_days(recommended, 12)
        assert step(referral) == Step.CHAIR_DECISION
    sent_back = add_working_days(asked_on, 3)
    with at(sent_back):
        reviews.decide(
            referral,
            flow.decision_values(Outcome.MORE_INFORMATION, "Fictional: the police report."),
            by=personas.sbni_chair,
        )
        # The CMR Panel's clock starts again.
        assert stored(referral) == add_working_days(sent_back, 30)
        assert step(referral) == Step.CMR_PANEL
    recommended = add_working_days(sent_back, 1)
    with at(recommended):
        again = flow.meeting_today(personas)
        item = consideration.add_to_agenda(again, referral, by=personas.sbni_officer)
        flow.everyone_present(again, personas)
        consideration.recommend(item, flow.recommendation_values(), by=personas.cmr_panel_chair)
        assert stored(referral) == add_working_days(recommended, 10)
        reviews.decide(
            referral, flow.decision_values(Outcome.CMR_17_2, "Fictional."), by=personas.sbni_chair
        )
        assert stored(referral) is None
        reviews.amend(
            referral,
            flow.decision_values(Outcome.NOT_REQUIRED, "Fictional."),
            reason="Fictional: the facts were wrong.",
            by=personas.sbni_chair,
        )
        assert stored(referral) is None


def test_a_withdrawn_referral_has_no_due_date_wherever_it_was(personas: Personas) -> None:
    sent = flow.sent(personas)
    services.withdraw_referral(sent, reason="Fictional.", by=personas.belfast_member)
    assert stored(sent) is None

    waiting = flow.acknowledged(personas)
    services.request_information(
        waiting,
        question="Fictional?",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        by=personas.sbni_officer,
    )
    services.withdraw_referral(waiting, reason="Fictional.", by=personas.belfast_member)
    assert stored(waiting) is None

    item = flow.on_agenda(personas)
    services.withdraw_referral(item.referral, reason="Fictional.", by=personas.belfast_member)
    consideration.remove_from_agenda(item, by=personas.sbni_officer)
    assert stored(item.referral) is None

    recommended = flow.recommended(personas).item.referral
    services.withdraw_referral(recommended, reason="Fictional.", by=personas.belfast_member)
    assert stored(recommended) is None


def test_a_timescale_change_moves_the_due_date_of_every_referral_in_hand(
    personas: Personas,
) -> None:
    today = timezone.localdate()
    sent = flow.sent(personas)
    acknowledged = flow.acknowledged(personas)
    asked = services.request_information(
        acknowledged,
        question="Fictional?",
        due_date=today + datetime.timedelta(days=7),
        by=personas.sbni_officer,
    )
    with at(add_working_days(today, 2)):
        services.answer_information_request(asked, answer="Fictional.", by=personas.belfast_chair)
    decided = flow.decided(personas).referral
    assert stored(acknowledged) == add_working_days(today, 32)

    services.change_timescale(
        Step.CMR_PANEL, {"working_days": 40, "pauses_while_waiting": False}, by=personas.admin
    )
    assert stored(acknowledged) == add_working_days(today, 40)
    services.change_timescale(Step.ACKNOWLEDGE, {"working_days": 4}, by=personas.admin)
    assert stored(sent) == add_working_days(today, 4)
    assert stored(decided) is None


def test_the_due_dates_can_be_worked_out_again_after_the_calendar_changes(
    personas: Personas,
) -> None:
    referral = flow.acknowledged(personas)
    right = stored(referral)
    assert right is not None
    # As a new version of the holidays package would leave it: a day out.
    Referral.objects.filter(pk=referral.pk).update(due_on=right + datetime.timedelta(days=1))
    out = StringIO()
    call_command("refresh_due_dates", stdout=out)
    assert out.getvalue() == "Referral due dates changed: 1\nReview due dates changed: 0\n"
    assert stored(referral) == right
