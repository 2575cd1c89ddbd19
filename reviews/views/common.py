"""What every page of a review shares: finding the review the user may see, recording that it
was viewed, and the purposes of a review."""

from django.http import Http404, HttpRequest

from cmr_portal.kernel.audit.services import record
from panels.access import signed_in_user
from panels.models import User
from referrals.proceedings import with_banner
from reviews import services
from reviews.models import PURPOSES, Review


def get_review_for(request: HttpRequest, review_uuid: str) -> Review:
    """A review whose records the user may see, with its case's open proceedings for the banner
    (``proceedings.with_banner``); 404 for one missing or forbidden alike."""
    reviews = Review.objects.select_related("referral__panel").filter(uuid=review_uuid)
    review = with_banner(reviews, referral="referral_id").first()
    if review is None or not services.can_see(signed_in_user(request), review):
        raise Http404
    return review


def sees_progress(user: User, review: Review) -> bool:
    """The referring panel follows the review's progress, not its drafts."""
    return user.has_perm("panels.view_panel_cases", review.referral.panel)


def viewed(request: HttpRequest, review: Review, what: str) -> None:
    """Audit a view of the review: ``what`` names the page, as in "Viewed the chronology of
    review ..."."""
    record(
        "review.viewed",
        actor=signed_in_user(request),
        target=review,
        summary=f"Viewed {what} of review {review.reference}",
        request=request,
    )


def purpose_labels(keys: list[str]) -> list[str]:
    """The labels of the terms of reference's purposes, in order; unknown keys left out."""
    labels = dict(PURPOSES)
    return [labels[key] for key in keys if key in labels]
