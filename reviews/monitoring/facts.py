"""Every fact the monitoring figures count (``reviews.models.Figure``), worked out from the cases
as their clocks work them out, as of a day.

The referrals' steps (``referrals.models.Timescale``): acknowledging runs from sending to the
acknowledgement; the CMR Panel's recommendation from sending, or from the SBNI Chair's latest
request for more information, to the first recommendation after it; the SBNI Chair's decision from
a recommendation to the first decision after it (an amendment is not a new decision: its time is
the first one's); the panel's answer to a question from asking to answering, due on the date given
with it. A step whose timescale pauses while waiting for the panel leaves out the working days its
questions waited for an answer, as the due date adds them (``referrals.deadlines.Clock``). The
reviews' steps are their clocks' (``reviews.clock.timeline``), the days the clock stood paused left
out. A step still running when its referral was withdrawn is not done, and counts nowhere.

Each function yields unsaved ``Fact`` rows for a chunk of records at a time: memory stays flat
however many cases there are.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days, working_days_between
from referrals import deadlines
from referrals.deadlines import IN_HAND, current_step
from referrals.models import (
    Decision,
    InformationRequest,
    Outcome,
    Recommendation,
    Referral,
    Timescale,
)
from reviews.clock import timeline, timescales, with_clock_records
from reviews.models import Action, CaseRoute, Fact, Figure, Review, ReviewTimescale, StageChange

CHUNK = 2000
Step = Timescale.Step
ROUTE_OF_OUTCOME = {
    Outcome.CMR_17_2: CaseRoute.CMR_17_2,
    Outcome.CMR_17_3: CaseRoute.CMR_17_3,
    Outcome.NOT_REQUIRED: CaseRoute.NO_CMR,
}
ROUTE_OF_REVIEW = {
    Review.Route.ROUTE_17_2: CaseRoute.CMR_17_2,
    Review.Route.ROUTE_17_3: CaseRoute.CMR_17_3,
}
WITHDRAWN = "withdrawn"
OVERDUE = "overdue"
STEP_LABELS = {**dict(Timescale.Step.choices), **dict(ReviewTimescale.Step.choices)}
ACTION_STATES = {**dict(Action.Status.choices), OVERDUE: "Overdue"}


def month(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month: the grain of the figures' periods."""
    return day.replace(day=1)


def dated(day: datetime.date) -> dict[str, datetime.date]:
    """A fact's day, which places it in a period, and its month."""
    return {"day": day, "month": month(day)}


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` a ``CHUNK`` at a time."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def by_referral(rows: Iterable[Mapping[str, Any]], key: str) -> dict[int, list[Mapping[str, Any]]]:
    """``rows`` grouped by their ``key`` (a referral's primary key), each group in order."""
    grouped: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def step_fact(
    step: str,
    started: datetime.date,
    due: datetime.date,
    done: datetime.date,
    taken: int,
    **record: Any,
) -> Fact:
    """A step done: ``taken`` working days, within its timescale when done by ``due``."""
    return Fact(
        figure=Figure.STEP,
        key=step,
        label=STEP_LABELS[step],
        **dated(done),
        value=taken,
        within=done <= due,
        started_on=started,
        due_on=due,
        done_on=done,
        **record,
    )


def first_between(
    moments: Iterable[datetime.datetime],
    after: datetime.datetime,
    before: datetime.datetime | None,
) -> datetime.datetime | None:
    """The first of ``moments`` (in order) after ``after`` and before ``before`` (None: ever)."""
    return next(
        (when for when in moments if when > after and (before is None or when < before)), None
    )


class ReferralSteps:
    """The steps done of one referral, from its rows: ``sent`` when it was sent, ``questions``
    (asked, answered, due) days of each question answered, ``recommended`` when each
    recommendation was recorded, ``sent_back`` when the SBNI Chair asked for more information,
    ``decided`` when each decision was made that amends none; every list in order."""

    def __init__(
        self,
        targets: dict[str, Timescale],
        sent: datetime.datetime,
        questions: list[tuple[datetime.date, datetime.date, datetime.date]],
        recommended: list[datetime.datetime],
        sent_back: list[datetime.datetime],
        decided: list[datetime.datetime],
    ) -> None:
        self.targets, self.sent, self.questions = targets, sent, questions
        self.recommended, self.sent_back, self.decided = recommended, sent_back, decided

    def waited(self, step: str, start: datetime.date, done: datetime.date) -> int:
        """Working days left out of a step for questions asked during it, where it pauses."""
        if not self.targets[step].pauses_while_waiting:
            return 0
        return sum(
            working_days_between(asked, answered)
            for asked, answered, _ in self.questions
            if start <= asked and answered <= done
        )

    def timed(
        self, step: str, started: datetime.datetime, done: datetime.datetime, **record: Any
    ) -> Fact:
        """A step done from ``started`` to ``done``, due its target's working days after its
        start and the days it waited, where it pauses; ``record`` names the case."""
        start, end = timezone.localdate(started), timezone.localdate(done)
        waited = self.waited(step, start, end)
        due = add_working_days(start, self.targets[step].working_days + waited)
        taken = working_days_between(start, end) - waited
        return step_fact(step, start, due, end, taken, **record)

    def facts(self, acknowledged: datetime.datetime | None, **record: Any) -> Iterator[Fact]:
        """Every step of the referral done: acknowledged (when), each question answered, each
        run of the CMR Panel's recommendation and each of the SBNI Chair's decisions."""
        if acknowledged is not None:
            yield self.timed(Step.ACKNOWLEDGE, self.sent, acknowledged, **record)
        for asked, answered, due in self.questions:
            taken = working_days_between(asked, answered)
            yield step_fact(Step.INFORMATION_ANSWER, asked, due, answered, taken, **record)
        starts = [self.sent, *self.sent_back]
        for index, start in enumerate(starts):
            until = starts[index + 1] if index + 1 < len(starts) else None
            if (done := first_between(self.recommended, start, until)) is not None:
                yield self.timed(Step.CMR_PANEL, start, done, **record)
        for index, recommended in enumerate(self.recommended):
            following = self.recommended[index + 1] if index + 1 < len(self.recommended) else None
            if (decided := first_between(self.decided, recommended, following)) is not None:
                yield self.timed(Step.CHAIR_DECISION, recommended, decided, **record)


def referral_facts(as_of: datetime.date) -> Iterator[Fact]:
    """The facts of every referral ever sent: its steps done, its step overdue now, its age while
    in the SBNI's hands, and its outcome (or its withdrawal)."""
    targets = deadlines.timescales()
    ids = list(
        Referral.objects.filter(submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in chunks(ids):
        questions = by_referral(
            InformationRequest.objects.filter(referral_id__in=chunk, answered_at__isnull=False)
            .order_by("asked_at", "pk")
            .values("referral_id", "asked_at", "answered_at", "due_date"),
            "referral_id",
        )
        recommendations = by_referral(
            Recommendation.objects.filter(item__referral_id__in=chunk)
            .order_by("recorded_at", "pk")
            .values("item__referral_id", "recorded_at"),
            "item__referral_id",
        )
        decisions = by_referral(
            Decision.objects.filter(referral_id__in=chunk)
            .order_by("decided_at", "pk")
            .values(
                "referral_id",
                "outcome",
                "decided_at",
                "is_current",
                "amends_id",
                "learning_route_id",
                "learning_route__name",
            ),
            "referral_id",
        )
        rows = Referral.objects.filter(pk__in=chunk).values(
            "pk", "panel_id", "status", "submitted_at", "acknowledged_at", "withdrawn_at", "due_on"
        )
        for row in rows:
            pk = row["pk"]
            decided = decisions.get(pk, [])
            current = next((each for each in decided if each["is_current"]), None)
            route = (
                ROUTE_OF_OUTCOME.get(current["outcome"], CaseRoute.UNDECIDED)
                if current
                else CaseRoute.UNDECIDED
            )
            record = {"referral_id": pk, "panel_id": row["panel_id"], "route": route}
            sent_at = row["submitted_at"]
            assert sent_at is not None  # only referrals sent are read
            steps = ReferralSteps(
                targets,
                sent_at,
                [
                    (
                        timezone.localdate(each["asked_at"]),
                        timezone.localdate(each["answered_at"]),
                        each["due_date"],
                    )
                    for each in questions.get(pk, [])
                ],
                [each["recorded_at"] for each in recommendations.get(pk, [])],
                [
                    each["decided_at"]
                    for each in decided
                    if each["outcome"] == Outcome.MORE_INFORMATION
                ],
                [each["decided_at"] for each in decided if each["amends_id"] is None],
            )
            yield from steps.facts(row["acknowledged_at"], **record)
            sent = timezone.localdate(sent_at)
            yield from referral_state(row, sent, current, first_decision(decided), as_of, record)


def first_decision(decided: Sequence[Mapping[str, Any]]) -> datetime.datetime | None:
    """When the referral was decided: the decision that the current one amends (or is), not a
    request for more information, from its decisions in order; None before any."""
    return next(
        (
            each["decided_at"]
            for each in reversed(decided)
            if each["amends_id"] is None and each["outcome"] != Outcome.MORE_INFORMATION
        ),
        None,
    )


def referral_state(
    row: Mapping[str, Any],
    sent: datetime.date,
    current: Mapping[str, Any] | None,
    decided_at: datetime.datetime | None,
    as_of: datetime.date,
    record: dict[str, Any],
) -> Iterator[Fact]:
    """A referral's facts of now (in the SBNI's hands, overdue) and its outcome: the current
    decision's, on the day the referral was decided (``decided_at``: an amendment changes the
    outcome, not when the decision was made, as for the Chair's decision step)."""
    status = row["status"]
    if status in IN_HAND:
        yield Fact(
            figure=Figure.REFERRAL_OPEN,
            key=status,
            label=Referral.Status(status).label,
            value=working_days_between(sent, as_of),
            started_on=sent,
            **record,
        )
        step = current_step(status, row["acknowledged_at"] is not None)
        due = row["due_on"]
        if step is not None and due is not None and due < as_of:
            yield Fact(
                figure=Figure.OVERDUE,
                key=step,
                label=STEP_LABELS[step],
                value=working_days_between(due, as_of),
                due_on=due,
                **record,
            )
    if status == Referral.Status.WITHDRAWN and row["withdrawn_at"] is not None:
        withdrawn = timezone.localdate(row["withdrawn_at"])
        yield Fact(
            figure=Figure.OUTCOME,
            key=WITHDRAWN,
            label="Withdrawn",
            **dated(withdrawn),
            done_on=withdrawn,
            **record,
        )
    elif current is not None:
        decided = timezone.localdate(decided_at or current["decided_at"])
        key, label = current["outcome"], Outcome(current["outcome"]).label
        if current["learning_route_id"] is not None:
            key = f"route:{current['learning_route_id']}"
            label = f"No CMR: {current['learning_route__name']}"
        yield Fact(
            figure=Figure.OUTCOME,
            key=key,
            label=label,
            **dated(decided),
            done_on=decided,
            **record,
        )


def review_facts(as_of: datetime.date) -> Iterator[Fact]:
    """The facts of every review: its steps done (its clock's), its step overdue now, its age
    while open, and its learning themes (each, and each pair)."""
    targets = timescales()
    ids = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in chunks(ids):
        reviews = with_clock_records(
            Review.objects.filter(pk__in=chunk)
            .select_related("referral")
            .only(
                "stage",
                "status",
                "route",
                "opened_at",
                "due_step",
                "due_on",
                "referral__panel_id",
            )
        ).prefetch_related("themes")
        for review in reviews:
            record = {
                "referral_id": review.referral_id,
                "review_id": review.pk,
                "panel_id": review.referral.panel_id,
                "route": ROUTE_OF_REVIEW[Review.Route(review.route)],
            }
            for clock in timeline(review, targets):
                taken = clock.taken
                if taken is not None and clock.started and clock.done and clock.due:
                    yield step_fact(
                        clock.step, clock.started, clock.due, clock.done, taken, **record
                    )
            opened = timezone.localdate(review.opened_at)
            if review.status == Review.Status.OPEN:
                yield Fact(
                    figure=Figure.REVIEW_OPEN,
                    key=review.stage,
                    label=Review.Stage(review.stage).label,
                    value=working_days_between(opened, as_of),
                    started_on=opened,
                    **record,
                )
                if review.due_on is not None and review.due_on < as_of:
                    yield Fact(
                        figure=Figure.OVERDUE,
                        key=review.due_step,
                        label=STEP_LABELS[review.due_step],
                        value=working_days_between(review.due_on, as_of),
                        due_on=review.due_on,
                        **record,
                    )
            themes = sorted(review.themes.all(), key=lambda theme: theme.pk)
            for theme in themes:
                yield Fact(
                    figure=Figure.THEME,
                    key=str(theme.pk),
                    label=theme.name,
                    **dated(opened),
                    started_on=opened,
                    **record,
                )
            for first, second in combinations(themes, 2):
                yield Fact(
                    figure=Figure.THEME_PAIR,
                    key=f"{first.pk}+{second.pk}",
                    label=f"{first.name} and {second.name}",
                    **dated(opened),
                    started_on=opened,
                    **record,
                )


def action_facts(as_of: datetime.date) -> Iterator[Fact]:
    """The facts of every action: its state (overdue when not finished by its due date), and,
    once verified, the working days from its review's approval by the SBNI Chair."""
    approved: dict[int, datetime.date] = {}
    for review_id, at in (
        StageChange.objects.filter(to_stage=Review.Stage.FOLLOW_UP)
        .order_by("at", "pk")
        .values_list("review_id", "at")
    ):
        approved[review_id] = timezone.localdate(at)
    rows = (
        Action.objects.order_by("pk")
        .values(
            "pk",
            "agency_id",
            "status",
            "due_date",
            "verified_at",
            "recommendation__review_id",
            "recommendation__review__route",
            "recommendation__review__referral_id",
            "recommendation__review__referral__panel_id",
        )
        .iterator(chunk_size=CHUNK * 5)
    )
    for row in rows:
        review_id = row["recommendation__review_id"]
        record = {
            "referral_id": row["recommendation__review__referral_id"],
            "review_id": review_id,
            "action_id": row["pk"],
            "agency_id": row["agency_id"],
            "panel_id": row["recommendation__review__referral__panel_id"],
            "route": ROUTE_OF_REVIEW[Review.Route(row["recommendation__review__route"])],
        }
        due = row["due_date"]
        overdue = Action.is_overdue(row["status"], due, as_of)
        state = OVERDUE if overdue else row["status"]
        yield Fact(
            figure=Figure.ACTION,
            key=state,
            label=ACTION_STATES[state],
            **dated(due),
            due_on=due,
            **record,
        )
        verified_at, approval = row["verified_at"], approved.get(review_id)
        if verified_at is not None and approval is not None:
            verified = timezone.localdate(verified_at)
            yield Fact(
                figure=Figure.VERIFIED,
                key="verified",
                label="Verified",
                **dated(verified),
                value=working_days_between(approval, verified),
                started_on=approval,
                done_on=verified,
                **record,
            )


def every_fact(as_of: datetime.date) -> Iterator[Fact]:
    """Every fact of every case, as of ``as_of``."""
    yield from referral_facts(as_of)
    yield from review_facts(as_of)
    yield from action_facts(as_of)
