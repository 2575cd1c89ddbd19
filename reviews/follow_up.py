"""Following up an approved review: the agencies' progress on each action, and its verification
by the SBNI."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.documents.services import store_upload
from panels.models import SbniRole, User
from reviews.models import Action, ActionUpdate, Review
from reviews.services import ReviewError, audit_review


def agency_follows(user: User, action: Action) -> bool:
    """The agency that owns an action sees it once the report is approved, not its drafts."""
    return user.agency_id == action.agency_id and action.recommendation.review.stage in (
        Review.Stage.FOLLOW_UP,
        Review.Stage.CLOSED,
    )


def may_update_action(user: User, action: Action) -> bool:
    review = action.recommendation.review
    return review.stage == Review.Stage.FOLLOW_UP and (
        user.has_perm("reviews.see_review", review)
        or user.has_sbni_role(SbniRole.SBNI_OFFICER)
        or user.agency_id == action.agency_id
    )


@transaction.atomic
def update_action(
    action: Action,
    *,
    status: str,
    note: str,
    evidence: UploadedFile | None,
    by: User,
    request: HttpRequest | None = None,
) -> ActionUpdate:
    """Progress on an action during follow-up, with evidence; only SBNI staff verify."""
    action = (
        Action.objects.select_for_update()
        .select_related("recommendation__review")
        .get(pk=action.pk)
    )
    if not may_update_action(by, action):
        raise ReviewError("Progress is recorded during follow-up, by the team or the agency.")
    if status == Action.Status.VERIFIED or action.status == Action.Status.VERIFIED:
        raise ReviewError("Only an SBNI officer verifies an action, and a verified one is done.")
    update = ActionUpdate.objects.create(
        action=action,
        status=status,
        note=note,
        evidence=store_upload(evidence, by=by) if evidence else None,
        author=by,
    )
    before, action.status = action.status, status
    action.save(update_fields=["status"])
    audit_review(
        "action_updated",
        action.recommendation.review,
        by,
        f"Updated the action for {action.agency}",
        request,
        status=[before, status],
    )
    return update


@transaction.atomic
def verify_action(action: Action, *, by: User, request: HttpRequest | None = None) -> Action:
    if not by.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise ReviewError("Only an SBNI officer can verify that an action is complete.")
    action = (
        Action.objects.select_for_update()
        .select_related("recommendation__review")
        .get(pk=action.pk)
    )
    if action.status != Action.Status.COMPLETED:
        raise ReviewError("An action is verified once it is reported completed.")
    action.status = Action.Status.VERIFIED
    action.verified_by, action.verified_at = by, timezone.now()
    action.save(update_fields=["status", "verified_by", "verified_at"])
    audit_review(
        "action_verified",
        action.recommendation.review,
        by,
        f"Verified the action for {action.agency}",
        request,
    )
    return action
