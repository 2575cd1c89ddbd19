"""The next deadline of a referral in the SBNI's hands, in Northern Ireland working days.

Derived from the referral and the timescales, never stored: change a timescale and every
deadline follows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days, latest_start, working_days_between
from referrals.models import InformationRequest, Referral, Timescale


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    due: datetime.date
    today: datetime.date

    @property
    def working_days_left(self) -> int:
        return working_days_between(self.today, self.due)

    @property
    def is_overdue(self) -> bool:
        return self.due < self.today


def timescales() -> dict[str, Timescale]:
    """Every step's target: one query, for a whole list of referrals."""
    return {timescale.step: timescale for timescale in Timescale.objects.all()}


def may_be_due(due_by: datetime.date, targets: dict[str, Timescale]) -> Q:
    """The referrals whose next step may be due on or before ``due_by``, narrowed in the database
    through the indexes: a step's clock must have started on or before the latest start that can
    be due by then (a paused clock is due later still), and an open question must be due by then.
    ``next_deadline`` then says exactly."""
    first = latest_start(due_by, targets[Timescale.Step.ACKNOWLEDGE].working_days)
    panel_by = latest_start(due_by, targets[Timescale.Step.CMR_PANEL].working_days)
    chair_by = latest_start(due_by, targets[Timescale.Step.CHAIR_DECISION].working_days)
    status = Referral.Status
    return (
        Q(status=status.SUBMITTED, acknowledged_at__isnull=True, submitted_at__date__lte=first)
        | Q(
            status__in=[status.SUBMITTED, status.UNDER_CONSIDERATION],
            acknowledged_at__isnull=False,
            submitted_at__date__lte=panel_by,
        )
        | Q(
            status=status.RECOMMENDED,
            agenda_items__recommendation__recorded_at__date__lte=chair_by,
        )
        | Q(
            status=status.INFORMATION_REQUESTED,
            information_requests__answered_at__isnull=True,
            information_requests__due_date__lte=due_by,
        )
    )


def waited(referral: Referral, since: datetime.date) -> int:
    """Working days spent waiting for the panel's answers to questions asked since a date."""
    questions: list[InformationRequest] = referral.questions  # type: ignore[attr-defined]
    return sum(
        working_days_between(
            timezone.localtime(asked.asked_at).date(),
            timezone.localtime(asked.answered_at).date(),
        )
        for asked in questions
        if asked.answered_at is not None and timezone.localtime(asked.asked_at).date() >= since
    )


def next_deadline(
    referral: Referral, targets: dict[str, Timescale], today: datetime.date | None = None
) -> Deadline | None:
    """The next step and its due date; the referral must come from ``with_clock()``.

    A step whose timescale pauses while waiting is due later by the working days the panel took
    to answer questions asked during the step.
    """
    today = today or timezone.localdate()
    if referral.status == Referral.Status.INFORMATION_REQUESTED:
        step = Timescale.Step.INFORMATION_ANSWER
        due_date: datetime.date = referral.open_request_due  # type: ignore[attr-defined]
        return Deadline(step=step, label=str(step.label), due=due_date, today=today)
    if referral.status == Referral.Status.RECOMMENDED:
        step = Timescale.Step.CHAIR_DECISION
        recommended_at: datetime.datetime = referral.recommended_at  # type: ignore[attr-defined]
        start = timezone.localtime(recommended_at).date()
    elif referral.submitted_at is not None and referral.status in (
        Referral.Status.SUBMITTED,
        Referral.Status.UNDER_CONSIDERATION,
    ):
        # The Panel's clock starts again when the SBNI Chair sends the referral back.
        sent_back: datetime.datetime | None = referral.sent_back_at  # type: ignore[attr-defined]
        start = timezone.localtime(sent_back or referral.submitted_at).date()
        step = (
            Timescale.Step.ACKNOWLEDGE
            if referral.acknowledged_at is None
            else Timescale.Step.CMR_PANEL
        )
    else:
        return None
    target = targets[step]
    days = target.working_days + (waited(referral, start) if target.pauses_while_waiting else 0)
    return Deadline(
        step=step, label=str(step.label), due=add_working_days(start, days), today=today
    )


def age_in_working_days(referral: Referral, today: datetime.date | None = None) -> int:
    """Working days since the referral was sent."""
    assert referral.submitted_at is not None
    sent = timezone.localtime(referral.submitted_at).date()
    return working_days_between(sent, today or timezone.localdate())
