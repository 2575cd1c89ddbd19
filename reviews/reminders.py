"""The reviews' deadlines, for the reminder sweep: each agency report, each action of the plan,
and the step of the review's own timescale running on each review (``reviews.clock``: the terms
of reference, the draft report, the two approvals and publication), none while its clock is
paused."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from uuid import UUID

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise

from cmr_portal.kernel.notifications.reminders import Deadline, deadline_source
from panels.models import SbniRole, User
from referrals.reminders import holders
from reviews.clock import target_due, timescales
from reviews.models import (
    Action,
    AgencyReport,
    Review,
    ReviewMember,
    ReviewRecommendation,
    ReviewTimescale,
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
    # The review's own steps: the due date stored for the step running, empty while paused.
    people = {
        SbniRole.CMR_PANEL_CHAIR: holders(SbniRole.CMR_PANEL_CHAIR),
        SbniRole.SBNI_CHAIR: holders(SbniRole.SBNI_CHAIR),
        SbniRole.SBNI_OFFICER: officers,
    }
    targets = timescales()
    for review in (
        Review.objects.filter(due_on__lte=due_by)
        .order_by()
        .values_list("pk", "uuid", "reference", "due_step", "due_on", "opened_at", named=True)
    ):
        assert review.due_on is not None  # filtered on it
        step = ReviewTimescale.Step(review.due_step)
        what, owners, escalate_to = own_step(step, lead.get(review.pk, ()), people)
        key = f"reviews.{step}:{review.pk}"
        opened = timezone.localdate(review.opened_at)
        if step not in DRAFTING_STEPS or review.due_on != target_due(opened, targets[step]):
            # Each due date is its own deadline: a step run again (a report returned, then
            # submitted again), extended or paused is reminded of again, each date once. A
            # drafting step due on its target's date from the opening keeps the name it had
            # before issue 19, also after a pause that moved nothing: nothing is sent twice.
            key += f":{review.due_on:%Y%m%d}"
        yield Deadline(
            key=key,
            reference=review.reference,
            what=what,
            due=review.due_on,
            owners=owners,
            escalate_to=escalate_to,
            url=page(OWN_STEP_PAGES[step], review.uuid),
        )


DRAFTING_STEPS = (ReviewTimescale.Step.TERMS_OF_REFERENCE, ReviewTimescale.Step.DRAFT_REPORT)
OWN_STEP_PAGES = {
    ReviewTimescale.Step.TERMS_OF_REFERENCE: "terms",
    ReviewTimescale.Step.DRAFT_REPORT: "report",
    ReviewTimescale.Step.PANEL_APPROVAL: "approval",
    ReviewTimescale.Step.CHAIR_APPROVAL: "approval",
    ReviewTimescale.Step.PUBLICATION: "publication",
}


def own_step(
    step: ReviewTimescale.Step,
    leads_of: tuple[int, ...],
    people: dict[SbniRole, tuple[int, ...]],
) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A step of the review's own timescale in words ("... is due"), who is reminded of it, and
    to whom it escalates: the lead reviewer for the drafting, the CMR Panel chair and the SBNI
    Chair for their approvals, SBNI officers for publication; escalated to SBNI officers (for
    publication, to the lead reviewer). ``people``: the holders of those three SBNI roles."""
    officers = people[SbniRole.SBNI_OFFICER]
    if step == ReviewTimescale.Step.TERMS_OF_REFERENCE:
        return "agreeing the terms of reference", leads_of, officers
    if step == ReviewTimescale.Step.DRAFT_REPORT:
        return "submitting the draft report", leads_of, officers
    if step == ReviewTimescale.Step.PANEL_APPROVAL:
        chairs = people[SbniRole.CMR_PANEL_CHAIR]
        return "the CMR Panel chair's approval of the draft report", chairs, officers
    if step == ReviewTimescale.Step.CHAIR_APPROVAL:
        chairs = people[SbniRole.SBNI_CHAIR]
        return "the SBNI Chair's approval of the report", chairs, officers
    return "signing off the publication version", officers, leads_of
