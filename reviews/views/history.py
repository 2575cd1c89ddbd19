"""A review's history as people read it: stage changes, approvals, returns with their comments,
exports and the other changes, with the values before and after; and who has viewed it."""

from collections.abc import Mapping

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cmr_portal.kernel.audit.history import (
    Described,
    comparison,
    described,
    form_labels,
    history_page,
    of,
    viewings,
)
from cmr_portal.kernel.audit.services import record
from panels.access import signed_in_user
from panels.models import SBNI_STAFF
from referrals.access import sees_who_viewed
from reviews.forms import TermsForm
from reviews.models import (
    Action,
    AgencyReport,
    Review,
    ReviewMember,
    ReviewRecommendation,
    StageChange,
    TermsOfReference,
)
from reviews.views.common import get_review_for, viewed

# The fields each kind of event may name, labelled as the form labels them or by the models'
# verbose names; anything else
# is the review's own fields (stage, status, route) and a step's comments.
REVIEW = described(
    Review,
    {"comments": "Comments"},
    extra={"comments": StageChange._meta.get_field("comments")},
)
FIELDS: dict[str, dict[str, Described]] = {
    "review.member_appointed": described(ReviewMember),
    "review.terms_saved": described(TermsOfReference, form_labels(TermsForm)),
    "review.agency_report_requested": described(AgencyReport, {"due_date": "Report due by"}),
    "review.recommendation_added": described(ReviewRecommendation),
    "review.action_added": described(Action, {"due_date": "Action due by"}),
}


def fields_for(action: str) -> Mapping[str, Described]:
    """The fields an event of ``action`` may name, with their labels."""
    return FIELDS.get(action, REVIEW)


@require_GET
def history(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """What has been done to the review, newest first, without the views: for SBNI staff and
    the review team."""
    review = get_review_for(request, review_uuid)
    page, entries = history_page(of(review), fields_for, request.GET.get("page"))
    viewed(request, review, "the history")
    return render(
        request,
        "reviews/history.html",
        {
            "review": review,
            "page": page,
            "entries": entries,
            "compare_url": reverse("reviews:history", args=[review.uuid]),
            "sees_viewers": sees_who_viewed(signed_in_user(request), review.referral.panel),
        },
    )


@require_GET
def history_change(request: HttpRequest, review_uuid: str, key: str, number: int) -> HttpResponse:
    """The ``number``-th change of one of the review's long texts, line by line."""
    review = get_review_for(request, review_uuid)
    compared = comparison(of(review), key, number, fields_for)
    if compared is None:
        raise Http404
    viewed(request, review, "a change line by line in the history")
    return render(
        request,
        "reviews/history_change.html",
        {
            "review": review,
            "comparison": compared,
            "key": key,
            "compare_url": reverse("reviews:history", args=[review.uuid]),
        },
    )


@require_GET
def viewers(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """Who has viewed the review, one line per person per day: for SBNI staff only; 404 for
    anyone else. (The referring panel's chair follows the review's progress, which names neither
    its team nor the SBNI's people at work on it: this page would.)"""
    review = Review.objects.select_related("referral__panel").filter(uuid=review_uuid).first()
    user = signed_in_user(request)
    if review is None or not user.has_sbni_role(*SBNI_STAFF):
        raise Http404
    page = viewings(of(review), request.GET.get("page"))
    record(
        "review.viewers_viewed",
        actor=user,
        target=review,
        summary=f"Viewed who has viewed review {review.reference}",
        request=request,
    )
    return render(request, "reviews/viewers.html", {"review": review, "page": page})
