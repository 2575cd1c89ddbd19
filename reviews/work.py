"""The work on reviews that a home page lists, built from the records' state.

The review team: their open reviews with each one's next step and due date. The CMR Panel chair
and the SBNI Chair: reports awaiting their approval. SBNI officers: reviews needing a team and
actions awaiting verification. Agency contacts: report requests and actions due.

Each list is one query whatever the data, the timescales read once for the page; the due dates are
the ones the reminders use (``reviews.deadlines``, a report's and an action's own due date).
"""

import datetime

from django.db.models import Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.work import SHOWN, Task, WorkList
from panels.models import SbniRole, User
from reviews.models import (
    Action,
    AgencyReport,
    Extension,
    Review,
    ReviewMember,
    ReviewTimescale,
)

Stage = Review.Stage
OPEN_ACTION = [Action.Status.NOT_STARTED, Action.Status.ON_TRACK, Action.Status.AT_RISK]


def opened(review: Review) -> datetime.date:
    return timezone.localdate(review.opened_at)


def page(name: str, review: Review, *more: object) -> str:
    return reverse(f"reviews:{name}", args=[review.uuid, *more])


def team_work(user: User, today: datetime.date) -> list[WorkList]:
    """The open reviews on whose team ``user`` sits, with each one's next step: two queries, and
    nothing when they are on no review's team."""
    reviews = list(
        Review.objects.filter(team__user=user, status=Review.Status.OPEN)
        .annotate(
            next_action_due=Min(
                "recommendations__actions__due_date",
                filter=Q(recommendations__actions__status__in=OPEN_ACTION),
            ),
        )
        .order_by("opened_at", "id")[: SHOWN + 1]
    )
    if not reviews:
        return []
    tasks = []
    for review in reviews:
        step, due = next_step(review)
        tasks.append(
            Task(
                title=f"{review.reference}: {step}",
                url=page("review", review),
                detail=review.get_stage_display(),
                today=today,
                due=due,
                since=opened(review),
            )
        )
    return [
        WorkList(
            "reviews.team",
            "Your reviews",
            tasks,
            more_url=reverse("reviews:list"),
            more_label="See all your reviews",
        )
    ]


STEP_WORDS = {
    ReviewTimescale.Step.TERMS_OF_REFERENCE: "agree the terms of reference",
    ReviewTimescale.Step.DRAFT_REPORT: "draft and submit the report",
    ReviewTimescale.Step.PANEL_APPROVAL: "with the CMR Panel chair for approval",
    ReviewTimescale.Step.CHAIR_APPROVAL: "with the SBNI Chair for approval",
    ReviewTimescale.Step.PUBLICATION: "follow up the actions; publication to sign off",
}


def next_step(review: Review) -> tuple[str, datetime.date | None]:
    """The review's next step in words and when it is due: the stored step of its own timescale
    (``reviews.clock``; no date while its clock is paused), or in follow-up once published, the
    next open action (``review`` annotated as ``team_work`` reads it)."""
    if review.due_step:
        words = STEP_WORDS[ReviewTimescale.Step(review.due_step)]
        return (words if review.due_on else f"{words} (the clock is paused)"), review.due_on
    if review.stage == Stage.FOLLOW_UP:
        due: datetime.date | None = review.next_action_due  # type: ignore[attr-defined]
        return "follow up the actions", due
    return str(review.get_stage_display()).lower(), None


def approval_work(user: User, today: datetime.date) -> list[WorkList]:
    """Reports awaiting the approval of the CMR Panel chair or of the SBNI Chair, for whichever
    of the two ``user`` is: one query each."""
    lists = []
    for role, stage, key, heading in (
        (
            SbniRole.CMR_PANEL_CHAIR,
            Stage.PANEL_SCRUTINY,
            "reviews.panel_approval",
            "Reports awaiting the CMR Panel chair's approval",
        ),
        (
            SbniRole.SBNI_CHAIR,
            Stage.CHAIR_APPROVAL,
            "reviews.chair_approval",
            "Reports awaiting the SBNI Chair's approval",
        ),
    ):
        if not user.has_sbni_role(role):
            continue
        reviews = Review.objects.filter(stage=stage).order_by("opened_at", "id")[: SHOWN + 1]
        lists.append(
            WorkList(
                key,
                heading,
                [
                    Task(
                        title=f"{review.reference}: approve the report or return it",
                        url=page("approval", review),
                        detail=f"Opened on {opened(review):%-d %B %Y}",
                        today=today,
                        since=opened(review),
                    )
                    for review in reviews
                ],
                more_url=reverse("reviews:list"),
                more_label="See all reviews",
            )
        )
    if user.has_sbni_role(SbniRole.CMR_PANEL_CHAIR):
        asked = (
            Extension.objects.filter(status=Extension.Status.REQUESTED)
            .select_related("review")
            .order_by("requested_at", "id")[: SHOWN + 1]
        )
        lists.append(
            WorkList(
                "reviews.extensions",
                "Extensions awaiting your decision",
                [
                    Task(
                        title=f"{extension.review.reference}: decide on an extension of "
                        f"'{extension.get_step_display()}'",
                        url=page("extension", extension.review, extension.uuid),
                        detail=f"To {extension.new_due:%-d %B %Y}, from "
                        f"{extension.due_before:%-d %B %Y}",
                        today=today,
                        since=timezone.localdate(extension.requested_at),
                    )
                    for extension in asked
                ],
                more_url=reverse("reviews:list"),
                more_label="See all reviews",
            )
        )
    return lists


def officer_work(user: User, today: datetime.date) -> list[WorkList]:
    """Reviews needing a team (due when their terms of reference are) and actions awaiting
    verification, for SBNI officers: three queries."""
    if not user.has_sbni_role(SbniRole.SBNI_OFFICER):
        return []
    leaderless = (
        Review.objects.filter(status=Review.Status.OPEN)
        .exclude(Exists(ReviewMember.objects.filter(review=OuterRef("pk"), role="lead")))
        .order_by("opened_at", "id")[: SHOWN + 1]
    )
    completed = (
        Action.objects.filter(status=Action.Status.COMPLETED)
        .select_related("recommendation__review", "agency")
        .order_by("due_date", "id")[: SHOWN + 1]
    )
    return [
        WorkList(
            "reviews.team_needed",
            "Reviews needing a team",
            [
                Task(
                    title=f"{review.reference}: appoint its review team",
                    url=page("team", review),
                    detail=f"Opened on {opened(review):%-d %B %Y}; the terms of reference "
                    "are due by the date shown",
                    today=today,
                    due=review.due_on,
                )
                for review in leaderless
            ],
            more_url=reverse("reviews:list"),
            more_label="See all reviews",
        ),
        WorkList(
            "reviews.verify",
            "Actions awaiting verification",
            [
                Task(
                    title=f"{action.recommendation.review.reference}: verify an action of "
                    f"{action.agency.short_name or action.agency.name}",
                    url=page("action", action.recommendation.review, action.uuid),
                    detail=f"Marked completed; it was due on {action.due_date:%-d %B %Y}",
                    today=today,
                    since=action.due_date,
                )
                for action in completed
            ],
            more_url=reverse("reviews:list"),
            more_label="See all reviews",
        ),
    ]


def agency_work(user: User, today: datetime.date) -> list[WorkList]:
    """An agency contact's report requests and their agency's actions due: two queries; nothing
    for someone who is no agency's contact."""
    if user.agency_id is None:
        return []
    requests = (
        AgencyReport.objects.filter(
            contact=user, status=AgencyReport.Status.REQUESTED, review__stage=Stage.DRAFTING
        )
        .select_related("review", "agency")
        .order_by("due_date", "id")[: SHOWN + 1]
    )
    actions = (
        Action.objects.filter(
            agency_id=user.agency_id,
            status__in=OPEN_ACTION,
            recommendation__review__stage=Stage.FOLLOW_UP,
        )
        .select_related("recommendation__review", "agency")
        .order_by("due_date", "id")[: SHOWN + 1]
    )
    return [
        WorkList(
            "agency.reports",
            "Reports requested from you",
            [
                Task(
                    title=f"{report.review.reference}: send the "
                    f"{report.agency.short_name or report.agency.name} report",
                    url=page("agency_report", report.review, report.uuid),
                    detail=f"Requested on {timezone.localdate(report.requested_at):%-d %B %Y}",
                    today=today,
                    due=report.due_date,
                )
                for report in requests
            ],
            more_url=reverse("reviews:list"),
            more_label="See all your requests",
        ),
        WorkList(
            "agency.actions",
            "Actions due",
            [
                Task(
                    title=f"{action.recommendation.review.reference}: "
                    f"{action.description[:80]}{'…' if len(action.description) > 80 else ''}",
                    url=page("action", action.recommendation.review, action.uuid),
                    detail=f"{action.get_status_display()}; owned by {action.owner}",
                    today=today,
                    due=action.due_date,
                )
                for action in actions
            ],
            more_url=reverse("reviews:list"),
            more_label="See all actions",
        ),
    ]
