"""The parallel proceedings of the review's case, for the review's people: the lead reviewer
and SBNI officers add and change them, the reviewers and all SBNI staff read them; the
referring panel and agency contacts get 404. The pages are the referral's own
(``referrals.proceeding_pages``), under the review's heading."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panels.access import signed_in_user
from referrals import proceedings
from referrals.proceeding_pages import (
    Case,
    lift_embargo_page,
    proceeding_page,
    proceedings_page,
)
from reviews import services
from reviews.views.common import get_review_for


def review_case(request: HttpRequest, review_uuid: str) -> Case:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    leads = services.leads(user, review)
    return Case(
        referral=review.referral,
        base=reverse("reviews:proceedings", args=[review.uuid]),
        heading="reviews/_review_heading.html",
        context={"review": review},
        back=(reverse("reviews:review", args=[review.uuid]), "Back to the review"),
        where=f"review {review.reference}",
        may_keep=proceedings.may_keep(user, leads_review=leads),
        leads_review=leads,
    )


@require_http_methods(["GET", "POST"])
def proceedings_list(request: HttpRequest, review_uuid: str) -> HttpResponse:
    return proceedings_page(request, review_case(request, review_uuid))


@require_http_methods(["GET", "POST"])
def proceeding(request: HttpRequest, review_uuid: str, proceeding_uuid: str) -> HttpResponse:
    return proceeding_page(request, review_case(request, review_uuid), proceeding_uuid)


@require_http_methods(["GET", "POST"])
def lift_embargo(request: HttpRequest, review_uuid: str, proceeding_uuid: str) -> HttpResponse:
    return lift_embargo_page(request, review_case(request, review_uuid), proceeding_uuid)
