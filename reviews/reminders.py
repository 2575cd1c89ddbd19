"""The reviews' deadlines, for the reminder sweep: terms of reference, each agency report, the
draft report and each action of the plan."""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse_lazy
from django.utils.functional import Promise

from cmr_portal.kernel.notifications.reminders import Deadline, deadline_source
from cmr_portal.kernel.working_days import latest_start
from panels.models import SbniRole, User
from referrals import deadlines as clocks
from referrals.models import Timescale
from referrals.reminders import holders
from reviews.deadlines import step_due
from reviews.models import Action, AgencyReport, Review, ReviewMember


def leads() -> dict[int, tuple[int, ...]]:
    by_review: dict[int, list[int]] = defaultdict(list)
    for review_pk, user_pk in ReviewMember.objects.filter(
        role=ReviewMember.Role.LEAD, user__is_active=True
    ).values_list("review_id", "user_id"):
        by_review[review_pk].append(user_pk)
    return {pk: tuple(users) for pk, users in by_review.items()}


def agency_contacts() -> dict[int, tuple[int, ...]]:
    by_agency: dict[int, list[int]] = defaultdict(list)
    for agency_pk, user_pk in User.objects.filter(agency__isnull=False, is_active=True).values_list(
        "agency_id", "pk"
    ):
        by_agency[agency_pk].append(user_pk)
    return {pk: tuple(users) for pk, users in by_agency.items()}


def page(name: str, review: Review, *more: object) -> Promise:
    """The link, made only for the reminders a sweep sends, not for every deadline it reads."""
    return reverse_lazy(f"reviews:{name}", args=[review.uuid, *more])


@deadline_source("reviews")
def review_deadlines(due_by: datetime.date) -> Iterator[Deadline]:
    lead = leads()
    officers = holders(SbniRole.SBNI_OFFICER)
    for report in AgencyReport.objects.filter(
        status=AgencyReport.Status.REQUESTED,
        due_date__lte=due_by,
        review__stage=Review.Stage.DRAFTING,
    ).select_related("review", "agency", "contact"):
        leads_of = lead.get(report.review_id, ())
        yield Deadline(
            key=f"reviews.agency_report:{report.pk}",
            reference=report.review.reference,
            what=f"the {report.agency.short_name or report.agency.name} report",
            due=report.due_date,
            # A contact who has left: the lead reviewer hears instead.
            owners=(report.contact_id,) if report.contact.is_active else leads_of,
            escalate_to=(*leads_of, *officers),
            url=page("agency_report", report.review, report.uuid),
        )
    contacts = agency_contacts()
    for action in (
        Action.objects.filter(
            status__in=[Action.Status.NOT_STARTED, Action.Status.ON_TRACK, Action.Status.AT_RISK],
            due_date__lte=due_by,
            recommendation__review__stage=Review.Stage.FOLLOW_UP,
        )
        .select_related("recommendation__review", "agency")
        .only(
            "uuid",
            "due_date",
            "agency__name",
            "agency__short_name",
            "recommendation__review__uuid",
            "recommendation__review__reference",
        )
    ):
        review = action.recommendation.review
        yield Deadline(
            key=f"reviews.action:{action.pk}",
            reference=review.reference,
            what=f"an action for {action.agency.short_name or action.agency.name}",
            due=action.due_date,
            owners=(*contacts.get(action.agency_id, ()), *lead.get(review.pk, ())),
            escalate_to=officers,
            url=page("action", review, action.uuid),
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
                url=page(name, review),
            )
