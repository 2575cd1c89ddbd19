"""The banner of open parallel proceedings on every page of a review."""

from typing import Any

from django import template
from django.urls import reverse

from panels.access import signed_in_user
from referrals import proceedings
from reviews import services
from reviews.models import Review
from reviews.views.common import sees_progress

register = template.Library()


@register.inclusion_tag("referrals/_proceedings_banner.html", takes_context=True)
def review_proceedings(context: dict[str, Any], review: Review) -> dict[str, Any]:
    """Every open proceeding of the case for the review's people, with a link to them; for the
    referring panel, those the SBNI shares with it; nothing for an agency contact. At most one
    query."""
    user = signed_in_user(context["request"])
    everything = services.can_see(user, review)
    if not everything and not sees_progress(user, review):
        return {"open": []}
    return {
        "open": proceedings.open_proceedings(review, review.referral_id, everything=everything),
        "link": reverse("reviews:proceedings", args=[review.uuid]) if everything else "",
    }
