"""The banner of open parallel proceedings on a referral's pages."""

from typing import Any

from django import template
from django.urls import reverse

from panels.access import signed_in_user
from referrals import proceedings
from referrals.models import Referral

register = template.Library()


@register.inclusion_tag("referrals/_proceedings_banner.html", takes_context=True)
def referral_proceedings(context: dict[str, Any], referral: Referral) -> dict[str, Any]:
    """Every open proceeding for SBNI staff, with a link to them; for the referral's panel,
    those the SBNI shares with it. One query."""
    everything = proceedings.sees_all(signed_in_user(context["request"]))
    return {
        "open": proceedings.open_proceedings(referral, referral.pk, everything=everything),
        "link": reverse("referrals:proceedings", args=[referral.uuid]) if everything else "",
    }
