"""A review's own timescale: each step's target, pauses of the clock and extensions (issue 19).

The rule is tested on fixed dates around Northern Ireland's bank holidays (St Patrick's Day,
Wednesday 17 March 2027; Good Friday and Easter Monday, 26 and 29 March 2027); the services and the
reminders on a real review, travelling in time from the day it opened."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications import reminders
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.working_days import add_months, add_working_days, working_days_between
from panels.models import User
from referrals.workflow import ReferralError
from reviews import clock, timescales
from reviews import services as reviews
from reviews.models import ClockPause, Extension, Review, ReviewTimescale
from tests.conftest import Personas, sign_in
from tests.reviews import flow

Step = ReviewTimescale.Step
D = datetime.date


def target(length: int, unit: str = "working_days") -> ReviewTimescale:
    return ReviewTimescale(step=Step.DRAFT_REPORT, length=length, unit=unit)


def step_clock(
    started: datetime.date,
    *pauses: tuple[datetime.date, datetime.date | None],
    timescale: ReviewTimescale | None = None,
    done: datetime.date | None = None,
    extended: tuple[datetime.date, datetime.date] | None = None,
) -> clock.StepClock:
    return clock.StepClock(
        step=Step.DRAFT_REPORT,
        timescale=timescale or target(5),
        started=started,
        done=done,
        extended_to=extended[0] if extended else None,
        extended_asked_on=extended[1] if extended else None,
        pauses=tuple(clock.Pause(start, end) for start, end in pauses),
    )


def test_a_target_in_working_days_skips_northern_irelands_bank_holidays() -> None:
    # Monday 15 March 2027 and 5 working days: St Patrick's Day (Wednesday) is not one.
    assert clock.target_due(D(2027, 3, 15), target(5)) == D(2027, 3, 23)
    # From Good Friday, one working day: Easter Monday is not one either.
    assert clock.target_due(D(2027, 3, 26), target(1)) == D(2027, 3, 30)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 15), 3, D(2027, 4, 15)),  # a Thursday
        (D(2027, 1, 31), 1, D(2027, 3, 1)),  # 28 February 2027 is a Sunday: the Monday
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year's last day of February, a Tuesday
        (D(2026, 11, 17), 4, D(2027, 3, 18)),  # 17 March is St Patrick's Day: the next day
        (D(2026, 12, 1), 0, D(2026, 12, 1)),
    ],
)
def test_a_target_in_months_lands_on_a_working_day(
    start: datetime.date, months: int, expected: datetime.date
) -> None:
    assert add_months(start, months) == expected
    assert clock.target_due(start, target(months, "months")) == expected


def test_a_pause_adds_the_working_days_it_stood_holidays_excepted() -> None:
    started = D(2027, 3, 8)
    planned = clock.target_due(started, target(5))
    assert step_clock(started).due == planned == D(2027, 3, 15)
    # Paused on Monday 15 March, resumed on Friday 19: Tuesday, Thursday and Friday (3 working
    # days: the Wednesday is St Patrick's Day).
    paused = step_clock(started, (D(2027, 3, 15), D(2027, 3, 19)))
    assert paused.paused_working_days == 3
    assert paused.due == add_working_days(planned, 3) == D(2027, 3, 19)
    # Two pauses add up; a pause before the step started counts only from its start.
    twice = step_clock(started, (D(2027, 3, 1), D(2027, 3, 9)), (D(2027, 3, 22), D(2027, 3, 24)))
    assert twice.paused_working_days == 1 + 2


def test_while_paused_nothing_is_due() -> None:
    paused = step_clock(D(2027, 3, 8), (D(2027, 3, 10), None))
    assert paused.paused
    assert paused.due is None
    assert paused.planned == D(2027, 3, 15)


def test_an_extension_replaces_the_date_and_only_later_pauses_add_to_it() -> None:
    started = D(2027, 3, 1)
    extended = step_clock(
        started,
        (D(2027, 3, 2), D(2027, 3, 4)),  # before the extension: already in the date asked
        (D(2027, 4, 5), D(2027, 4, 7)),  # after it: two working days more
        extended=(D(2027, 4, 30), D(2027, 3, 10)),
    )
    assert extended.paused_working_days == 2
    assert extended.due == add_working_days(D(2027, 4, 30), 2) == D(2027, 5, 5)


def test_a_step_done_counts_no_pause_after_it_and_says_how_late_it_was() -> None:
    done = step_clock(
        D(2027, 3, 1),
        (D(2027, 3, 3), D(2027, 3, 5)),
        (D(2027, 3, 12), D(2027, 3, 26)),
        done=D(2027, 3, 12),
    )
    assert done.paused_working_days == 2
    assert done.due == D(2027, 3, 10)
    assert done.late_by() == working_days_between(D(2027, 3, 10), D(2027, 3, 12)) == 2
    assert not done.paused


def at(day: datetime.date) -> time_machine.travel:
    """Nine in the morning in Belfast on ``day``."""
    moment = datetime.datetime.combine(
        day, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    return time_machine.travel(moment, tick=False)


def stored(review: Review) -> tuple[str, datetime.date | None]:
    review.refresh_from_db()
    return review.due_step, review.due_on


def terms_target() -> ReviewTimescale:
    return ReviewTimescale.objects.get(step=Step.TERMS_OF_REFERENCE)


def test_the_running_steps_due_date_is_stored_through_to_publication(personas: Personas) -> None:
    review = flow.with_team(personas)
    opened = timezone.localdate(review.opened_at)
    assert stored(review) == (Step.TERMS_OF_REFERENCE, clock.target_due(opened, terms_target()))
    review = flow.drafted(personas)
    draft = ReviewTimescale.objects.get(step=Step.DRAFT_REPORT)
    assert stored(review) == (Step.DRAFT_REPORT, clock.target_due(opened, draft))
    today = timezone.localdate()
    for name, step in (
        ("submit", Step.PANEL_APPROVAL),
        ("panel_approve", Step.CHAIR_APPROVAL),
        ("chair_approve", Step.PUBLICATION),
    ):
        reviews.take_step(review, name, by=_taker(personas, name))
        expected = clock.target_due(today, ReviewTimescale.objects.get(step=step))
        assert stored(review) == (step, expected)
    publication = ReviewTimescale.objects.get(step=Step.PUBLICATION)
    assert publication.unit == "months"
    assert publication.is_placeholder


def _taker(personas: Personas, name: str) -> User:
    return {
        "submit": personas.lead_reviewer,
        "panel_approve": personas.cmr_panel_chair,
        "chair_approve": personas.sbni_chair,
    }[name]


def test_a_pause_stops_the_clock_and_its_reminders_and_resuming_moves_the_date(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    opened = timezone.localdate(review.opened_at)
    planned = clock.target_due(opened, terms_target())
    paused_on = add_working_days(opened, 3)
    resumed_on = add_working_days(opened, 8)
    with at(paused_on):
        timescales.pause_clock(
            review, "At the police's request (fictional)", by=personas.lead_reviewer
        )
    assert stored(review) == (Step.TERMS_OF_REFERENCE, None)
    with at(planned):
        reminders.sweep()
    assert not Notification.objects.filter(
        recipient=personas.lead_reviewer, message__contains="terms of reference"
    ).exists()
    with at(resumed_on):
        timescales.resume_clock(review, by=personas.sbni_officer)
    assert stored(review) == (Step.TERMS_OF_REFERENCE, add_working_days(planned, 5))
    pause = ClockPause.objects.get(review=review)
    assert (pause.started_on, pause.ended_on) == (paused_on, resumed_on)
    assert list(
        AuditEvent.objects.filter(target_id=str(review.pk), action__startswith="review.clock_")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["review.clock_paused", "review.clock_resumed"]


def test_the_clock_is_kept_by_the_lead_and_sbni_officers_only(personas: Personas) -> None:
    review = flow.with_team(personas)
    for person in (personas.reviewer, personas.cmr_panel_chair, personas.belfast_chair):
        with pytest.raises(ReferralError, match="lead reviewer or an SBNI officer"):
            timescales.pause_clock(review, "Fictional", by=person)
    with pytest.raises(ReferralError, match="Say why"):
        timescales.pause_clock(review, "   ", by=personas.lead_reviewer)
    with pytest.raises(ReferralError, match="not paused"):
        timescales.resume_clock(review, by=personas.lead_reviewer)
    timescales.pause_clock(review, "Fictional", by=personas.lead_reviewer)
    with pytest.raises(ReferralError, match="already paused"):
        timescales.pause_clock(review, "Again", by=personas.sbni_officer)


def test_an_extension_approved_moves_the_date_and_the_history_keeps_the_original(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    original = stored(review)[1]
    assert original is not None
    new_due = add_working_days(original, 15)
    asked = timescales.request_extension(
        review, new_due, "Fictional: the police asked us to wait", by=personas.lead_reviewer
    )
    assert (asked.due_before, asked.new_due, asked.step) == (
        original,
        new_due,
        Step.TERMS_OF_REFERENCE,
    )
    assert Notification.objects.filter(recipient=personas.cmr_panel_chair).exists()
    for person in (personas.lead_reviewer, personas.sbni_chair, personas.sbni_officer):
        with pytest.raises(ReferralError, match="Only the CMR Panel chair"):
            timescales.decide_extension(asked, approve=True, reason="Fine", by=person)
    with pytest.raises(ReferralError, match="Give the reasons"):
        timescales.decide_extension(asked, approve=True, reason=" ", by=personas.cmr_panel_chair)
    timescales.decide_extension(
        asked, approve=True, reason="Fictional: reasonable", by=personas.cmr_panel_chair
    )
    assert stored(review) == (Step.TERMS_OF_REFERENCE, new_due)
    with pytest.raises(ReferralError, match="decided already"):
        timescales.decide_extension(asked, approve=False, reason="No", by=personas.cmr_panel_chair)
    # A second extension: the history keeps both, the first with the original date.
    later = add_working_days(new_due, 5)
    second = timescales.request_extension(review, later, "Fictional", by=personas.sbni_officer)
    timescales.decide_extension(
        second, approve=True, reason="Fictional", by=personas.cmr_panel_chair
    )
    assert list(review.extensions.values_list("due_before", "new_due", "status")) == [
        (original, new_due, "approved"),
        (new_due, later, "approved"),
    ]
    assert stored(review)[1] == later


def test_an_extension_refused_changes_nothing(personas: Personas) -> None:
    review = flow.with_team(personas)
    before = stored(review)
    assert before[1] is not None
    asked = timescales.request_extension(
        review, add_working_days(before[1], 10), "Fictional", by=personas.lead_reviewer
    )
    timescales.decide_extension(
        asked, approve=False, reason="Fictional: not needed", by=personas.cmr_panel_chair
    )
    asked.refresh_from_db()
    assert asked.status == Extension.Status.REFUSED
    assert asked.decision_reason == "Fictional: not needed"
    assert stored(review) == before
    assert AuditEvent.objects.filter(action="review.extension_refused").count() == 1


def test_what_cannot_be_asked_or_approved(personas: Personas) -> None:
    review = flow.with_team(personas)
    due = stored(review)[1]
    assert due is not None
    with pytest.raises(ReferralError, match="after the current due date"):
        timescales.request_extension(review, due, "Fictional", by=personas.lead_reviewer)
    with pytest.raises(ReferralError, match="lead reviewer or an SBNI officer"):
        timescales.request_extension(
            review, due + datetime.timedelta(days=30), "F", by=personas.reviewer
        )
    asked = timescales.request_extension(
        review, add_working_days(due, 10), "Fictional", by=personas.lead_reviewer
    )
    with pytest.raises(ReferralError, match="already waiting"):
        timescales.request_extension(
            review, add_working_days(due, 20), "Fictional", by=personas.lead_reviewer
        )
    # The terms agreed meanwhile: the request was for a step that is over.
    reviews.save_terms(review, flow.terms_values(), by=personas.lead_reviewer)
    with pytest.raises(ReferralError, match="moved on"):
        timescales.decide_extension(asked, approve=True, reason="F", by=personas.cmr_panel_chair)
    timescales.decide_extension(asked, approve=False, reason="Over", by=personas.cmr_panel_chair)
    timescales.pause_clock(review, "Fictional", by=personas.lead_reviewer)
    with pytest.raises(ReferralError, match="paused"):
        timescales.request_extension(
            review, add_working_days(due, 200), "Fictional", by=personas.lead_reviewer
        )


def test_reminders_go_once_for_each_due_date_the_clock_gives(personas: Personas) -> None:
    """The original date reminded once on its day; once extended, the new date once on its own."""
    review = flow.with_team(personas)
    due = stored(review)[1]
    assert due is not None
    with at(due):
        reminders.sweep()
        reminders.sweep()
        asked = timescales.request_extension(
            review, add_working_days(due, 10), "Fictional", by=personas.lead_reviewer
        )
        timescales.decide_extension(asked, approve=True, reason="F", by=personas.cmr_panel_chair)
    new_due = stored(review)[1]
    assert new_due == add_working_days(due, 10)
    with at(new_due):
        reminders.sweep()
        reminders.sweep()
    messages = list(
        Notification.objects.filter(
            recipient=personas.lead_reviewer, message__contains="agreeing the terms of reference"
        )
        .order_by("id")
        .values_list("message", flat=True)
    )
    assert messages == [
        f"{review.reference}: agreeing the terms of reference is due today",
        f"{review.reference}: agreeing the terms of reference is due today",
    ]


def test_a_change_of_target_moves_every_open_reviews_due_date(personas: Personas) -> None:
    review = flow.with_team(personas)
    opened = timezone.localdate(review.opened_at)
    timescales.change_timescale(
        Step.TERMS_OF_REFERENCE, {"length": 2, "unit": "months"}, by=personas.admin
    )
    assert stored(review) == (Step.TERMS_OF_REFERENCE, add_months(opened, 2))
    event = AuditEvent.objects.get(action="timescale.changed")
    assert event.changes == {"length": [20, 2], "unit": ["working_days", "months"]}


def test_the_timescale_pages_in_the_browser_of_a_test_client(personas: Personas) -> None:
    review = flow.with_team(personas)
    lead = sign_in(Client(), personas.lead_reviewer)
    page = lead.get(reverse("reviews:timescale", args=[review.uuid]))
    assert "Pause the clock" in page.content.decode()
    assert "Placeholder" in page.content.decode()
    # A pause without a reason: said plainly, nothing saved.
    refused = lead.post(reverse("reviews:pause", args=[review.uuid]), {"reason": ""})
    assert "Say why the clock is paused" in refused.content.decode()
    assert not ClockPause.objects.exists()
    # A date before the one due: refused with the reason typed kept.
    due = stored(review)[1]
    assert due is not None
    typed = "Fictional: the trial was listed for the spring"
    early = lead.post(
        reverse("reviews:request_extension", args=[review.uuid]),
        {"new_due_0": due.day, "new_due_1": due.month, "new_due_2": due.year, "reason": typed},
    )
    body = early.content.decode()
    assert f"must be after {due:%-d %B %Y}" in body
    assert typed in body
    assert not Extension.objects.exists()
    # The home page's task list of the review shows the due date.
    overview = lead.get(reverse("reviews:review", args=[review.uuid])).content.decode()
    assert f"Due {due:%-d %B %Y}" in overview


def test_a_decision_sent_twice_says_it_was_decided_already(personas: Personas) -> None:
    """A second click, or a form left open while the request was decided: a plain message on
    the request's page, not a page that is not found; nothing changes."""
    review = flow.with_team(personas)
    due = stored(review)[1]
    assert due is not None
    asked = timescales.request_extension(
        review, add_working_days(due, 10), "Fictional", by=personas.lead_reviewer
    )
    chair = sign_in(Client(), personas.cmr_panel_chair)
    url = reverse("reviews:extension", args=[review.uuid, asked.uuid])
    chair.post(url, {"decision": "approve", "reason": "Fictional: reasonable"})
    again = chair.post(
        url, {"decision": "refuse", "reason": "Fictional: changed my mind"}, follow=True
    )
    assert again.status_code == 200
    assert "This request was decided already: approved." in again.content.decode()
    asked.refresh_from_db()
    assert (asked.status, asked.decision_reason) == ("approved", "Fictional: reasonable")
    # Anyone else posting a decision still finds nothing.
    lead = sign_in(Client(), personas.lead_reviewer)
    assert lead.post(url, {"decision": "approve", "reason": "F"}).status_code == 404


def test_a_pause_while_an_extension_waits_is_left_out_of_the_clock(personas: Personas) -> None:
    """The date asked for was chosen before the pause: every working day the clock stood since
    the request moves it on, also those before the chair's decision."""
    review = flow.with_team(personas)
    opened = timezone.localdate(review.opened_at)
    due = stored(review)[1]
    assert due is not None
    new_due = add_working_days(due, 10)
    paused_on, decided_on, resumed_on = (add_working_days(opened, n) for n in (2, 5, 8))
    with at(add_working_days(opened, 1)):
        asked = timescales.request_extension(
            review, new_due, "Fictional", by=personas.lead_reviewer
        )
    with at(paused_on):
        timescales.pause_clock(review, "Fictional: the police asked", by=personas.lead_reviewer)
    with at(decided_on):
        timescales.decide_extension(asked, approve=True, reason="F", by=personas.cmr_panel_chair)
    with at(resumed_on):
        timescales.resume_clock(review, by=personas.lead_reviewer)
    assert stored(review)[1] == add_working_days(new_due, 6)


def test_a_pause_that_moves_nothing_sends_no_reminder_again(personas: Personas) -> None:
    """Paused and resumed the same day, the due date stays: its reminders are not sent twice."""
    review = flow.with_team(personas)
    due = stored(review)[1]
    assert due is not None
    with at(due):
        reminders.sweep()
        timescales.pause_clock(review, "Fictional", by=personas.lead_reviewer)
        timescales.resume_clock(review, by=personas.lead_reviewer)
        assert stored(review)[1] == due
        reminders.sweep()
    assert (
        Notification.objects.filter(
            recipient=personas.lead_reviewer,
            message__contains="agreeing the terms of reference is due today",
        ).count()
        == 1
    )


def test_a_report_returned_is_not_shown_as_approved(personas: Personas) -> None:
    """The CMR Panel chair's approval is done by an approval: a return ends nothing, and the
    step starts afresh when the report is submitted again."""
    review = flow.drafted(personas)
    reviews.take_step(review, "submit", by=personas.lead_reviewer)
    reviews.take_step(
        review, "panel_return", by=personas.cmr_panel_chair, comments="Fictional: more work"
    )
    review = Review.objects.prefetch_related(*clock.clock_records()).get(pk=review.pk)
    steps = {step.step: step for step in clock.timeline(review, clock.timescales())}
    assert steps[Step.PANEL_APPROVAL].done is None
    assert steps[Step.PANEL_APPROVAL].started is None
    assert steps[Step.DRAFT_REPORT].done is None


def test_the_lead_who_asked_is_told_of_the_decision_once(personas: Personas) -> None:
    review = flow.with_team(personas)
    due = stored(review)[1]
    assert due is not None
    asked = timescales.request_extension(
        review, add_working_days(due, 10), "Fictional", by=personas.lead_reviewer
    )
    timescales.decide_extension(asked, approve=False, reason="F", by=personas.cmr_panel_chair)
    told = Notification.objects.filter(
        recipient=personas.lead_reviewer, message__endswith="extension refused"
    )
    assert told.count() == 1


def test_an_extension_asked_before_the_step_started_again_cannot_be_approved(
    personas: Personas,
) -> None:
    """Asked during the CMR Panel chair's first reading; the report returned and submitted again
    since: the request belongs to the earlier run and is refused, and never moves the new run."""
    review = flow.drafted(personas)
    today = timezone.localdate()
    with at(today):
        reviews.take_step(review, "submit", by=personas.lead_reviewer)
        due = stored(review)[1]
        assert due is not None
        asked = timescales.request_extension(
            review, add_working_days(due, 10), "Fictional", by=personas.sbni_officer
        )
    with at(add_working_days(today, 1)):
        reviews.take_step(review, "panel_return", comments="Fictional", by=personas.cmr_panel_chair)
    again = add_working_days(today, 2)
    with at(again):
        reviews.take_step(review, "submit", by=personas.lead_reviewer)
        with pytest.raises(ReferralError, match="started again"):
            timescales.decide_extension(
                asked, approve=True, reason="Fictional", by=personas.cmr_panel_chair
            )
    panel = ReviewTimescale.objects.get(step=Step.PANEL_APPROVAL)
    assert stored(review) == (Step.PANEL_APPROVAL, clock.target_due(again, panel))


def test_a_closed_reviews_clock_offers_no_pause(personas: Personas) -> None:
    review = flow.with_team(personas)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CLOSED, stage="closed")
    lead = sign_in(Client(), personas.lead_reviewer)
    for method in (lead.get, lead.post):
        answer = method(reverse("reviews:pause", args=[review.uuid]), follow=True)
        assert answer.redirect_chain[-1][0] == reverse("reviews:timescale", args=[review.uuid])
        assert "The review is closed: its clock has stopped." in answer.content.decode()
    assert not ClockPause.objects.exists()
