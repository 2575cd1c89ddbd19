"""The model-level permissions each SBNI-wide role (a Django group) holds.

Kept in code and applied after every migrate, so that a new permission reaches its role with the
release that adds it. Later apps add their permissions here.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from panels.models import SbniRole

ROLE_PERMISSIONS: dict[SbniRole, list[str]] = {
    SbniRole.SYSTEM_ADMINISTRATOR: [
        "panels.view_user",
        "panels.add_user",
        "panels.change_user",
        "panels.view_panel",
        "panels.add_panel",
        "panels.change_panel",
        "panels.view_agency",
        "panels.add_agency",
        "panels.change_agency",
        "panels.view_membership",
        "panels.add_membership",
        "panels.change_membership",
        "panels.delete_membership",
        "auth.view_group",
        "audit.view_auditevent",
        "notifications.view_notification",
        "notifications.send_email_again",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "referrals.view_timescale",
        "referrals.change_timescale",
        "referrals.view_learningroute",
        "referrals.add_learningroute",
        "referrals.change_learningroute",
        "reviews.view_learningtheme",
        "reviews.add_learningtheme",
        "reviews.change_learningtheme",
        "reviews.view_reviewtimescale",
        "reviews.change_reviewtimescale",
    ],
    SbniRole.SBNI_OFFICER: [],
    SbniRole.CMR_PANEL_MEMBER: [],
    SbniRole.CMR_PANEL_CHAIR: [],
    SbniRole.SBNI_CHAIR: [],
}


def sync_role_permissions(**kwargs: Any) -> None:
    """Give each role's group exactly the permissions listed above (a post_migrate receiver)."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
