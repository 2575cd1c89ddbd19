"""The notice of publication to the Department of Health: a letter made from the review, once
its publication version is signed off, for SBNI staff (officers record it as sent, in the
referral's log of notifications to outside bodies)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from referrals.letters import letter_page, letter_pdf
from referrals.notices import Letter
from reviews import publishing
from reviews.services import ReviewError
from reviews.views.common import get_review_for


def _notice(request: HttpRequest, review_uuid: str) -> Letter:
    """The review's notice of publication; 404 before the sign-off, as the page offers none."""
    review = get_review_for(request, review_uuid)
    try:
        return publishing.publication_notice(review)
    except ReviewError as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def publication_notice(request: HttpRequest, review_uuid: str) -> HttpResponse:
    return letter_page(
        request,
        _notice(request, review_uuid),
        back=reverse("reviews:publication", args=[review_uuid]),
        pdf=reverse("reviews:publication_notice_pdf", args=[review_uuid]),
    )


@require_GET
def publication_notice_pdf(request: HttpRequest, review_uuid: str) -> HttpResponse:
    return letter_pdf(request, _notice(request, review_uuid))
