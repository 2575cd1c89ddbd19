"""The reviews' deadlines, for the reminder sweep: terms of reference, each agency report, the
draft report and each action of the plan."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from uuid import UUID

from django.urls import reverse_lazy
from django.utils.functional import Promise

from cmr_portal.kernel.notifications.reminders import Deadline, deadline_source
from cmr_portal.kernel.working_days import latest_start
from panels.models import SbniRole, User
from referrals import deadlines as clocks
from referrals.models import Timescale
from referrals.reminders import holders
from reviews.deadlines import step_due
from reviews.models import (
    Action,
    AgencyReport,
    Review,
    ReviewMember,
    ReviewRecommendation,
    open_due,
)


def leads() -> dict[int, tuple[int, ...]]:
    """The lead reviewers of each review that has deadlines (drafting, follow-up)."""
    by_review: dict[int, list[int]] = defaultdict(list)
    for review_pk, user_pk in (
        ReviewMember.objects.filter(
            role=ReviewMember.Role.LEAD,
            user__is_active=True,
            review__stage__in=[Review.Stage.DRAFTING, Review.Stage.FOLLOW_UP],
        )
        .order_by()
        .values_list("review_id", "user_id")
    ):
        by_review[review_pk].append(user_pk)
    return {pk: tuple(users) for pk, users in by_review.items()}


def agency_contacts() -> dict[int, tuple[int, ...]]:
    by_agency: dict[int, list[int]] = defaultdict(list)
    for agency_pk, user_pk in (
        User.objects.filter(agency__isnull=False, is_active=True)
        .order_by()
        .values_list("agency_id", "pk")
    ):
        by_agency[agency_pk].append(user_pk)
    return {pk: tuple(users) for pk, users in by_agency.items()}


def page(name: str, review: UUID, *more: object) -> Promise:
    """The link, made only for the reminders a sweep sends, not for every deadline it reads."""
    return reverse_lazy(f"reviews:{name}", args=[review, *more])


@deadline_source("reviews")
def review_deadlines(due_by: datetime.date) -> Iterator[Deadline]:
    """Every open deadline of the reviews due on or before ``due_by``. The agency reports and the
    actions, which may be thousands, are read as rows of the columns needed, not as models."""
    lead = leads()
    officers = holders(SbniRole.SBNI_OFFICER)
    for report in (
        AgencyReport.objects.filter(
            status=AgencyReport.Status.REQUESTED,
            due_date__lte=due_by,
            review__stage=Review.Stage.DRAFTING,
        )
        .order_by()
        .values_list(
            "pk",
            "uuid",
            "due_date",
            "contact_id",
            "contact__is_active",
            "agency__name",
            "agency__short_name",
            "review_id",
            "review__uuid",
            "review__reference",
            named=True,
        )
    ):
        leads_of = lead.get(report.review_id, ())
        yield Deadline(
            key=f"reviews.agency_report:{report.pk}",
            reference=report.review__reference,
            what=f"the {report.agency__short_name or report.agency__name} report",
            due=report.due_date,
            # A contact who has left: the lead reviewer hears instead.
            owners=(report.contact_id,) if report.contact__is_active else leads_of,
            escalate_to=(*leads_of, *officers),
            url=page("agency_report", report.review__uuid, report.uuid),
        )
    contacts = agency_contacts()
    # The open actions due first, through their index, then which of their reviews are in
    # follow-up: joined in one query, PostgreSQL walked every action in the order of its
    # recommendation (0.3 to 0.6 s with a million open) rather than use the index.
    actions = list(
        Action.objects.alias(open_due=open_due())
        .filter(open_due__lte=due_by)
        .order_by()
        .values_list(
            "pk",
            "uuid",
            "due_date",
            "agency_id",
            "agency__name",
            "agency__short_name",
            "recommendation_id",
        )
    )
    following = {
        recommendation: (review_pk, review_uuid, reference)
        for recommendation, review_pk, review_uuid, reference in (
            ReviewRecommendation.objects.filter(
                pk__in={recommendation for *_, recommendation in actions},
                review__stage=Review.Stage.FOLLOW_UP,
            )
            .order_by()
            .values_list("pk", "review_id", "review__uuid", "review__reference")
        )
    }
    for pk, action_uuid, due, agency, agency_name, short_name, recommendation in actions:
        if recommendation not in following:
            continue
        review_pk, review_uuid, reference = following[recommendation]
        yield Deadline(
            key=f"reviews.action:{pk}",
            reference=reference,
            what=f"an action for {short_name or agency_name}",
            due=due,
            owners=(*contacts.get(agency, ()), *lead.get(review_pk, ())),
            escalate_to=officers,
            url=page("action", review_uuid, action_uuid),
        )
    # The review's own steps run from the day it opened.
    targets = clocks.timescales()
    for step, what, name in (
        (Timescale.Step.TERMS_OF_REFERENCE, "agreeing the terms of reference", "terms"),
        (Timescale.Step.DRAFT_REPORT, "submitting the draft report", "report"),
    ):
        days = targets[step].working_days
        reviews = Review.objects.filter(
            stage=Review.Stage.DRAFTING, opened_at__date__lte=latest_start(due_by, days)
        )
        if step == Timescale.Step.TERMS_OF_REFERENCE:
            reviews = reviews.exclude(terms__agreed_on__isnull=False)
        for review in reviews:
            due = step_due(review, step, targets)
            yield Deadline(
                key=f"reviews.{step}:{review.pk}",
                reference=review.reference,
                what=what,
                due=due,
                owners=lead.get(review.pk, ()),
                escalate_to=officers,
                url=page(name, review.uuid),
            )
