"""A review's own timescale: the step running, when it started and when it is due, with the
extensions the CMR Panel chair approved and the time the clock stood paused.

The steps and where each starts and ends (``ReviewTimescale.Step``):

- terms of reference agreed: from the review's opening to the first terms agreed;
- draft report submitted: from the opening to its submission to the CMR Panel chair;
- approved by the CMR Panel chair: from the latest submission to the chair's approval;
- approved by the SBNI Chair: from the latest approval by the CMR Panel chair to the SBNI Chair's;
- publication version signed off: from the SBNI Chair's approval to the sign-off.

A step is due its target after its start (``ReviewTimescale``: working days, or calendar months
moved on to a working day). An approved extension replaces that date with its own. Every working
day the clock stood paused after the later of the step's start and the day the extension was
asked for is added: the date asked was chosen then, so a pause while the chair decides counts.
While the clock is paused, no step is due: nothing is reminded or overdue.

One rule (``StepClock``) gives the date; ``store_due_dates`` stores the running step's on the
review (``Review.due_step``, ``Review.due_on``) whenever anything that moves it changes: opening,
the terms agreed, every stage change, the sign-off and its withdrawal, a pause, a resumption, an
extension approved and a change of timescale (docs/decisions/0017). Pages, lists and reminders read
the stored date.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cmr_portal.kernel.working_days import add_months, add_working_days, working_days_between
from reviews.models import (
    ClockPause,
    Extension,
    PublicationSignOff,
    Review,
    ReviewTimescale,
    StageChange,
    TermsOfReference,
)

Step = ReviewTimescale.Step
Stage = Review.Stage
# The stage each step is the work of; the two drafting steps share the drafting stage.
STAGE_OF = {
    Step.TERMS_OF_REFERENCE: Stage.DRAFTING,
    Step.DRAFT_REPORT: Stage.DRAFTING,
    Step.PANEL_APPROVAL: Stage.PANEL_SCRUTINY,
    Step.CHAIR_APPROVAL: Stage.CHAIR_APPROVAL,
    Step.PUBLICATION: Stage.FOLLOW_UP,
}


def target_due(start: datetime.date, timescale: ReviewTimescale) -> datetime.date:
    """The day a step started on ``start`` is due by its target alone."""
    if timescale.unit == ReviewTimescale.Unit.MONTHS:
        return add_months(start, timescale.length)
    return add_working_days(start, timescale.length)


@dataclass(frozen=True)
class Pause:
    """A pause as the clock reads it: ``ended_on`` is None while it lasts."""

    started_on: datetime.date
    ended_on: datetime.date | None


def paused_days(pauses: Iterable[Pause], since: datetime.date) -> int:
    """The working days the clock stood paused after ``since``, over the pauses that ended: a
    pause from Monday to Wednesday is two (Tuesday and Wednesday)."""
    return sum(
        working_days_between(max(pause.started_on, since), pause.ended_on)
        for pause in pauses
        if pause.ended_on is not None and pause.ended_on > since
    )


@dataclass(frozen=True)
class StepClock:
    """One step of a review's timescale. ``started``: the day it started (None before it has);
    ``done``: the day it was done (None until then); ``extended_to`` and ``extended_asked_on``:
    the latest extension approved in this run of the step, and the day it was asked for."""

    step: Step
    timescale: ReviewTimescale
    started: datetime.date | None
    done: datetime.date | None
    extended_to: datetime.date | None
    extended_asked_on: datetime.date | None
    pauses: tuple[Pause, ...]

    @property
    def planned(self) -> datetime.date | None:
        """The due date by the target alone, before any extension or pause."""
        return None if self.started is None else target_due(self.started, self.timescale)

    @property
    def paused(self) -> bool:
        """The step is running and the clock stands paused."""
        running = self.started is not None and self.done is None
        return running and any(pause.ended_on is None for pause in self.pauses)

    def _paused_since(self, since: datetime.date) -> int:
        """Working days the clock stood paused after ``since``, up to the day the step was done
        (or today, for the pauses that ended, while it runs)."""
        if self.done is None:
            return paused_days(self.pauses, since)
        done = self.done
        return paused_days(
            (
                Pause(pause.started_on, min(pause.ended_on or done, done))
                for pause in self.pauses
                if pause.started_on < done
            ),
            since,
        )

    @property
    def paused_working_days(self) -> int:
        """Working days added for pauses after the step's start, or after the extension was
        asked for."""
        if self.started is None:
            return 0
        return self._paused_since(max(self.extended_asked_on or self.started, self.started))

    @property
    def taken(self) -> int | None:
        """The working days from the step's start to the day it was done, less the days the
        clock stood paused between them (as the due date adds them); None until done."""
        if self.started is None or self.done is None:
            return None
        return working_days_between(self.started, self.done) - self._paused_since(self.started)

    @property
    def due(self) -> datetime.date | None:
        """When the step is (or was) due; None before it starts and while the clock is paused."""
        base = self.extended_to or self.planned
        if base is None or self.paused:
            return None
        return add_working_days(base, self.paused_working_days)

    def late_by(self) -> int | None:
        """Working days the step was done after its due date (0 or less: on time); None until
        done."""
        if self.done is None or self.due is None:
            return None
        return working_days_between(self.due, self.done)


def clock_records(*, detailed: bool = False) -> list[Prefetch[Any]]:
    """What ``timeline`` reads of a review: five queries however many reviews. ``detailed``: with
    the people and the proceeding of each pause and extension, for a page that lists them."""
    pauses = ClockPause.objects.order_by("started_on", "id")
    extensions = Extension.objects.order_by("requested_at", "id")
    if detailed:
        pauses = pauses.select_related("started_by", "ended_by", "proceeding")
        extensions = extensions.select_related("requested_by", "decided_by")
    return [
        Prefetch("sign_off", PublicationSignOff.objects.only("review", "signed_off_at")),
        Prefetch(
            "terms",
            TermsOfReference.objects.filter(agreed_on__isnull=False).only(
                "review", "version", "agreed_on"
            ),
            to_attr="agreed_terms",
        ),
        Prefetch(
            "stage_changes",
            StageChange.objects.only("review", "from_stage", "to_stage", "at").order_by("at", "id"),
            to_attr="changes_in_order",
        ),
        Prefetch("pauses", pauses, to_attr="pauses_in_order"),
        Prefetch("extensions", extensions, to_attr="extensions_in_order"),
    ]


def with_clock_records(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """``reviews`` with what ``timeline`` reads (``clock_records``)."""
    return reviews.prefetch_related(*clock_records())


def _signed_off(review: Review) -> datetime.date | None:
    # A missing one-to-one raises an error that is also an AttributeError (the migrations'
    # historical models have their own DoesNotExist).
    sign_off: PublicationSignOff | None = getattr(review, "sign_off", None)
    return None if sign_off is None else timezone.localdate(sign_off.signed_off_at)


def _runs(review: Review) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
    """Each stage's latest run: (the day it was entered, the day it was left onwards), None for
    what has not happened, or was returned; the drafting stage runs from the opening."""
    changes: Sequence[StageChange] = review.changes_in_order  # type: ignore[attr-defined]
    runs: dict[str, tuple[datetime.date | None, datetime.date | None]] = {
        Stage.DRAFTING: (timezone.localdate(review.opened_at), None)
    }
    for change in changes:
        day = timezone.localdate(change.at)
        if change.to_stage == Stage.DRAFTING:
            # A report returned for more work: the approval it was waiting for is not done (it
            # starts afresh when the report is submitted again); drafting goes on, its clock
            # from the opening.
            runs[change.from_stage] = (None, None)
            runs[Stage.DRAFTING] = (runs[Stage.DRAFTING][0], None)
        else:
            entered, _ = runs.get(change.from_stage, (None, None))
            runs[change.from_stage] = (entered, day)
            runs[change.to_stage] = (day, None)
    return runs


def timeline(review: Review, targets: Mapping[str, ReviewTimescale]) -> list[StepClock]:
    """Every step of the review's timescale in order; ``review`` read with ``clock_records``."""
    runs = _runs(review)
    read: list[ClockPause] = review.pauses_in_order  # type: ignore[attr-defined]
    pauses = tuple(Pause(pause.started_on, pause.ended_on) for pause in read)
    agreed: list[TermsOfReference] = review.agreed_terms  # type: ignore[attr-defined]
    asked: list[Extension] = review.extensions_in_order  # type: ignore[attr-defined]
    extensions = sorted(
        (
            extension
            for extension in asked
            if extension.decided_at is not None and extension.status == Extension.Status.APPROVED
        ),
        key=lambda extension: extension.decided_at,  # type: ignore[arg-type, return-value]
    )
    clocks = []
    for step in Step:
        started, done = runs.get(STAGE_OF[step], (None, None))
        if step == Step.TERMS_OF_REFERENCE:
            done = min((terms.agreed_on for terms in agreed if terms.agreed_on), default=None)
        elif step == Step.PUBLICATION:
            done = _signed_off(review)
        extension = next(
            (
                extension
                for extension in reversed(extensions)
                if extension.step == step
                and started is not None
                # Asked during this run of the step: one asked before a report was returned
                # and submitted again belongs to the earlier run.
                and timezone.localdate(extension.requested_at) >= started
            ),
            None,
        )
        clocks.append(
            StepClock(
                step=step,
                timescale=targets[step],
                started=started,
                done=done,
                extended_to=extension.new_due if extension else None,
                extended_asked_on=(
                    timezone.localdate(extension.requested_at) if extension else None
                ),
                pauses=pauses,
            )
        )
    return clocks


def running(review: Review, clocks: Sequence[StepClock]) -> StepClock | None:
    """The step running now, by the review's stage: while drafting, the terms of reference until
    agreed, then the draft report; in follow-up, publication until signed off; none once closed."""
    by_step = {clock.step: clock for clock in clocks}
    if review.stage == Stage.DRAFTING:
        terms = by_step[Step.TERMS_OF_REFERENCE]
        return terms if terms.done is None else by_step[Step.DRAFT_REPORT]
    step = {
        Stage.PANEL_SCRUTINY: Step.PANEL_APPROVAL,
        Stage.CHAIR_APPROVAL: Step.CHAIR_APPROVAL,
        Stage.FOLLOW_UP: Step.PUBLICATION,
    }.get(Stage(review.stage))
    if step is None or by_step[step].done is not None:
        return None
    return by_step[step]


def timescales(*, lock: bool = False) -> dict[str, ReviewTimescale]:
    """Every step's target by step: one query (locked FOR UPDATE when ``lock``)."""
    rows = ReviewTimescale.objects.select_for_update() if lock else ReviewTimescale.objects.all()
    return {timescale.step: timescale for timescale in rows}


def store_due_dates(reviews: QuerySet[Review]) -> int:
    """Work out the step running on each of ``reviews`` and its due date, and store those that
    changed; how many changed. Six queries to read, one to write.

    Run inside the transaction of the change that moved the clock, with the reviews locked by the
    caller. The timescales are read locked (FOR UPDATE), so that a change of timescale in progress
    and this wait for each other.
    """
    targets = timescales(lock=True)
    changed = []
    for review in with_clock_records(reviews.only("stage", "opened_at", "due_step", "due_on")):
        current = running(review, timeline(review, targets))
        step, due = (current.step, current.due) if current else ("", None)
        if (step, due) != (review.due_step, review.due_on):
            review.due_step, review.due_on = step, due
            changed.append(review)
    Review.objects.bulk_update(changed, ["due_step", "due_on"], batch_size=1000)
    return len(changed)


def store_due_date(review: Review) -> None:
    """``store_due_dates`` for one review, locked by the caller; its fields follow."""
    store_due_dates(Review.objects.filter(pk=review.pk))
    review.due_step, review.due_on = (
        Review.objects.filter(pk=review.pk).values_list("due_step", "due_on").get()
    )


def open_pause(review: Review) -> ClockPause | None:
    """The pause lasting now, if the clock stands paused; ``review`` read with
    ``clock_records``."""
    read: list[ClockPause] = review.pauses_in_order  # type: ignore[attr-defined]
    return next((pause for pause in read if pause.ended_on is None), None)
