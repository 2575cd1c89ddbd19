"""Finding a referral for the person asking: 404 for one missing and one forbidden alike."""

from django.http import Http404, HttpRequest

from panels.access import signed_in_user
from referrals.models import Referral


def get_referral_for(request: HttpRequest, referral_uuid: str) -> Referral:
    """A referral the user may see; 404 for one that is missing or forbidden alike."""
    referral = (
        Referral.objects.visible_to(signed_in_user(request))
        .with_clock()
        .select_related("panel")
        .filter(uuid=referral_uuid)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def get_panel_referral_for(request: HttpRequest, referral_uuid: str) -> Referral:
    """A referral of the user's own panel, for a member who may log referrals; 404 otherwise."""
    referral = get_referral_for(request, referral_uuid)
    if not signed_in_user(request).has_perm("panels.log_referral", referral.panel):
        raise Http404
    return referral
