"""A referral's parallel proceedings, for SBNI staff: the list and the form to add one, a
proceeding's page (changed or concluded there), and lifting its publication embargo. The
pages themselves are shared with the review (``referrals.proceeding_pages``)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panels.access import signed_in_user
from referrals import proceedings
from referrals.access import get_referral_for
from referrals.proceeding_pages import (
    Case,
    lift_embargo_page,
    proceeding_page,
    proceedings_page,
)


def referral_case(request: HttpRequest, referral_uuid: str) -> Case:
    """The referral, for SBNI staff only: its panel gets 404, as for a referral it cannot see."""
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not proceedings.sees_all(user):
        raise Http404
    return Case(
        referral=referral,
        base=reverse("referrals:proceedings", args=[referral.uuid]),
        heading="referrals/_referral_heading.html",
        context={"referral": referral},
        back=(reverse("referrals:overview", args=[referral.uuid]), "Back to the referral"),
        where=f"referral {referral.reference}",
        may_keep=proceedings.may_keep(user),
    )


@require_http_methods(["GET", "POST"])
def proceedings_list(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    return proceedings_page(request, referral_case(request, referral_uuid))


@require_http_methods(["GET", "POST"])
def proceeding(request: HttpRequest, referral_uuid: str, proceeding_uuid: str) -> HttpResponse:
    return proceeding_page(request, referral_case(request, referral_uuid), proceeding_uuid)


@require_http_methods(["GET", "POST"])
def lift_embargo(request: HttpRequest, referral_uuid: str, proceeding_uuid: str) -> HttpResponse:
    return lift_embargo_page(request, referral_case(request, referral_uuid), proceeding_uuid)
