"""Finding a referral for the person asking: 404 for one missing and one forbidden alike."""

from django.http import Http404, HttpRequest

from panels.access import signed_in_user
from panels.models import SBNI_STAFF, Membership, Panel, User
from referrals.models import Referral, asked_questions
from referrals.proceedings import with_banner


def get_referral_for(request: HttpRequest, referral_uuid: str) -> Referral:
    """A referral the user may see, with its questions (``questions``); 404 for one that is
    missing or forbidden alike, with its open proceedings for the banner (``with_banner``). Its
    due date is stored on it: no clock is worked out here."""
    referral = (
        with_banner(Referral.objects.visible_to(signed_in_user(request)))
        .prefetch_related(asked_questions())
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


def sees_who_viewed(user: User, panel: Panel) -> bool:
    """Who may see who has viewed a panel's case: SBNI staff, and the panel's own chair (not its
    members or administrators), as issue 17 asks."""
    return (
        user.has_sbni_role(*SBNI_STAFF)
        or Membership.objects.filter(panel=panel, user=user, role=Membership.Role.CHAIR).exists()
    )


def get_sbni_referral_for(request: HttpRequest, referral_uuid: str) -> Referral:
    """A referral sent to the SBNI, for SBNI staff; 404 for anyone else, as for a missing one."""
    referral = get_referral_for(request, referral_uuid)
    if not signed_in_user(request).has_sbni_role(*SBNI_STAFF):
        raise Http404
    return referral
