"""The next deadline of a referral in the SBNI's hands, in Northern Ireland working days.

One rule works a due date out (``Clock.due``), from the referral's records and the timescales.
Its result is stored on the referral (``Referral.due_on``) by ``store_due_dates`` whenever
anything that moves it changes: every change of status (``workflow.move``), acknowledging
(``services.acknowledge_referral``) and a change of timescale (``services.change_timescale``).
Pages, the queue's overdue filter and the reminders read the stored date (docs/decisions/0016).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days, working_days_between
from referrals.models import InformationRequest, Referral, ReferralQuerySet, Timescale

Step = Timescale.Step
# The statuses in which the referral is in the SBNI's hands: a step of theirs (or the panel's
# answer to their question) is running.
IN_HAND = (
    Referral.Status.SUBMITTED,
    Referral.Status.INFORMATION_REQUESTED,
    Referral.Status.UNDER_CONSIDERATION,
    Referral.Status.RECOMMENDED,
)


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


def current_step(status: str, acknowledged: bool) -> Step | None:
    """The step running for a referral of this status (acknowledged or not), or None when the
    referral is not in the SBNI's hands."""
    if status == Referral.Status.INFORMATION_REQUESTED:
        return Step.INFORMATION_ANSWER
    if status == Referral.Status.RECOMMENDED:
        return Step.CHAIR_DECISION
    if status in (Referral.Status.SUBMITTED, Referral.Status.UNDER_CONSIDERATION):
        return Step.CMR_PANEL if acknowledged else Step.ACKNOWLEDGE
    return None


@dataclass(frozen=True)
class Clock:
    """What a referral's due date is worked out from, each moment as a day in Northern Ireland.

    ``sent``: when it was sent; ``recommended``: the CMR Panel's latest recommendation;
    ``sent_back``: the SBNI Chair's latest request for more information; ``question_due``: the
    unanswered question's due date; ``answered``: (asked, answered) for every question answered.
    """

    status: str
    acknowledged: bool
    sent: datetime.date | None
    recommended: datetime.date | None
    sent_back: datetime.date | None
    question_due: datetime.date | None
    answered: tuple[tuple[datetime.date, datetime.date], ...]

    @classmethod
    def of(cls, referral: Referral) -> "Clock":
        """The clock of a referral read by ``clocks()``."""
        recommended: datetime.datetime | None = referral.recommended_at  # type: ignore[attr-defined]
        sent_back: datetime.datetime | None = referral.sent_back_at  # type: ignore[attr-defined]
        answered: list[InformationRequest] = referral.answered  # type: ignore[attr-defined]
        return cls(
            status=referral.status,
            acknowledged=referral.acknowledged_at is not None,
            sent=day(referral.submitted_at),
            recommended=day(recommended),
            sent_back=day(sent_back),
            question_due=referral.open_request_due,  # type: ignore[attr-defined]
            answered=tuple(
                (timezone.localdate(asked.asked_at), timezone.localdate(asked.answered_at))
                for asked in answered
                if asked.answered_at is not None
            ),
        )

    def waited(self, since: datetime.date) -> int:
        """Working days spent waiting for the panel's answers to questions asked since a day."""
        return sum(
            working_days_between(asked, answered)
            for asked, answered in self.answered
            if asked >= since
        )

    def due(self, targets: Mapping[str, Timescale]) -> datetime.date | None:
        """The due date of the step running, or None when the referral is not in the SBNI's
        hands.

        The panel's answer is due on the date the SBNI gave with the question. The other steps
        are due the step's working days after their clock started: acknowledging and the CMR
        Panel's recommendation from sending (the Panel's again from the SBNI Chair's request for
        more information), the Chair's decision from the recommendation. A step whose timescale
        pauses while waiting is due later by the working days the panel took to answer questions
        asked during the step.
        """
        step = current_step(self.status, self.acknowledged)
        if step == Step.INFORMATION_ANSWER:
            return self.question_due
        if step == Step.CHAIR_DECISION:
            start = self.recommended
        elif step is not None:
            start = self.sent_back or self.sent
        else:
            return None
        if start is None:
            return None
        target = targets[step]
        days = target.working_days + (self.waited(start) if target.pauses_while_waiting else 0)
        return add_working_days(start, days)


def day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else timezone.localdate(moment)


def clocks(referrals: ReferralQuerySet) -> ReferralQuerySet:
    """``referrals`` with what ``Clock.of`` reads: ``clock_fields`` and the answered questions."""
    answered = InformationRequest.objects.filter(answered_at__isnull=False).only(
        "referral", "asked_at", "answered_at"
    )
    return referrals.clock_fields().prefetch_related(
        Prefetch("information_requests", answered, to_attr="answered")
    )


def store_due_dates(referrals: ReferralQuerySet) -> dict[int, datetime.date | None]:
    """Work out each referral's due date (``Clock.due``) and store the ones that changed; the
    dates by the referrals' keys. Three queries, and one more to write whatever changed.

    The caller locks the referrals. The timescales are read locked (FOR UPDATE), so that a change
    of timescale in progress (``services.change_timescale``) and this wait for each other: no due
    date is ever worked out from a target being changed.
    """
    targets = {timescale.step: timescale for timescale in Timescale.objects.select_for_update()}
    read = list(clocks(referrals).only("status", "acknowledged_at", "submitted_at", "due_on"))
    changed = []
    for referral in read:
        due = Clock.of(referral).due(targets)
        if due != referral.due_on:
            referral.due_on = due
            changed.append(referral)
    Referral.objects.bulk_update(changed, ["due_on"], batch_size=1000)
    return {referral.pk: referral.due_on for referral in read}


def store_due_date(referral: Referral) -> None:
    """``store_due_dates`` for one referral, locked by the caller; its ``due_on`` follows."""
    referral.due_on = store_due_dates(Referral.objects.filter(pk=referral.pk))[referral.pk]


def next_deadline(referral: Referral, today: datetime.date | None = None) -> Deadline | None:
    """The step running and its stored due date, or None when the referral is not in the SBNI's
    hands. Needs the referral's ``status``, ``acknowledged_at`` and ``due_on``."""
    step = current_step(referral.status, referral.acknowledged_at is not None)
    if step is None or referral.due_on is None:
        return None
    return Deadline(
        step=step,
        label=str(step.label),
        due=referral.due_on,
        today=today or timezone.localdate(),
    )


def age_in_working_days(referral: Referral, today: datetime.date | None = None) -> int:
    """Working days since the referral was sent."""
    assert referral.submitted_at is not None
    sent = timezone.localtime(referral.submitted_at).date()
    return working_days_between(sent, today or timezone.localdate())
