"""The next deadline of a referral in the SBNI's hands, in Northern Ireland working days.

Derived from the referral and the timescales, never stored: change a timescale and every
deadline follows.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cmr_portal.working_days import add_working_days, working_days_between
from referrals.models import Referral, Timescale


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


def timescales() -> dict[str, int]:
    """Every step's target in working days: one query, for a whole list of referrals."""
    return dict(Timescale.objects.values_list("step", "working_days"))


def next_deadline(
    referral: Referral, targets: dict[str, int], today: datetime.date | None = None
) -> Deadline | None:
    """The next step and its due date; the referral must come from ``with_open_request_due()``."""
    today = today or timezone.localdate()
    if referral.status == Referral.Status.INFORMATION_REQUESTED:
        step = Timescale.Step.INFORMATION_ANSWER
        due_date: datetime.date = referral.open_request_due  # type: ignore[attr-defined]
        return Deadline(step=step, label=str(step.label), due=due_date, today=today)
    if referral.submitted_at is None or referral.status not in (
        Referral.Status.SUBMITTED,
        Referral.Status.UNDER_CONSIDERATION,
    ):
        return None
    sent = timezone.localtime(referral.submitted_at).date()
    step = (
        Timescale.Step.ACKNOWLEDGE if referral.acknowledged_at is None else Timescale.Step.CMR_PANEL
    )
    due = add_working_days(sent, targets[step])
    return Deadline(step=step, label=str(step.label), due=due, today=today)


def age_in_working_days(referral: Referral, today: datetime.date | None = None) -> int:
    """Working days since the referral was sent."""
    assert referral.submitted_at is not None
    sent = timezone.localtime(referral.submitted_at).date()
    return working_days_between(sent, today or timezone.localdate())
