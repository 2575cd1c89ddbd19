"""Every change to panels, memberships and their permissions, each with its audit event."""

from functools import partial

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.queue import queue_task
from panels.access import grant, revoke
from panels.models import Membership, Panel, User
from panels.tasks import send_invitation

PANEL_PERMISSIONS = ("view_panel_cases", "log_referral", "manage_panel", "monitor_panel")
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # A panel's chair answers for its work: the monitoring figures of its cases (issue 20).
    Membership.Role.CHAIR: ("view_panel_cases", "log_referral", "manage_panel", "monitor_panel"),
    Membership.Role.ADMINISTRATOR: ("view_panel_cases", "log_referral", "manage_panel"),
    Membership.Role.MEMBER: ("view_panel_cases", "log_referral"),
}


class MembershipError(Exception):
    """A membership change that cannot be made; the message says why, in plain words."""


def _set_panel_permissions(user: User, panel: Panel, granted: tuple[str, ...]) -> None:
    for perm in PANEL_PERMISSIONS:
        if perm in granted:
            grant(user, f"panels.{perm}", panel)
        else:
            revoke(user, f"panels.{perm}", panel)


@transaction.atomic
def add_member(
    panel: Panel, user: User, role: str, *, by: User | None, request: HttpRequest | None = None
) -> Membership:
    if Membership.objects.filter(panel=panel, user=user).exists():
        raise MembershipError(f"{user.full_name} is already a member of {panel.name}.")
    if role == Membership.Role.CHAIR and panel.memberships.filter(role=role).exists():
        raise MembershipError(f"{panel.name} already has a chair. Change their role first.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(panel=panel, user=user, role=role)
    except IntegrityError as error:  # someone else added them, or a chair, at the same moment
        raise MembershipError("Someone else changed this panel's members. Try again.") from error
    _set_panel_permissions(user, panel, ROLE_PERMISSIONS[role])
    record(
        "membership.added",
        actor=by,
        target=membership,
        summary=f"Added {user.email} to {panel.name} as {membership.get_role_display()}",
        changes={"role": [None, role], "permissions": list(ROLE_PERMISSIONS[role])},
        request=request,
    )
    return membership


@transaction.atomic
def change_role(
    membership: Membership, role: str, *, by: User | None, request: HttpRequest | None = None
) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("panel", "user").get(pk=membership.pk)
    )
    before = membership.role
    if before == role:
        return membership
    if (
        role == Membership.Role.CHAIR
        and membership.panel.memberships.filter(role=role).exclude(pk=membership.pk).exists()
    ):
        raise MembershipError(
            f"{membership.panel.name} already has a chair. Change their role first."
        )
    membership.role = role
    try:
        with transaction.atomic():
            membership.save(update_fields=["role"])
    except IntegrityError as error:
        raise MembershipError("Someone else changed this panel's members. Try again.") from error
    _set_panel_permissions(membership.user, membership.panel, ROLE_PERMISSIONS[role])
    record(
        "membership.role_changed",
        actor=by,
        target=membership,
        summary=(
            f"Changed {membership.user.email} on {membership.panel.name} "
            f"to {membership.get_role_display()}"
        ),
        changes={"role": [before, role], "permissions": list(ROLE_PERMISSIONS[role])},
        request=request,
    )
    return membership


@transaction.atomic
def remove_member(
    membership: Membership, *, by: User | None, request: HttpRequest | None = None
) -> None:
    membership = (
        Membership.objects.select_for_update().select_related("panel", "user").get(pk=membership.pk)
    )
    _set_panel_permissions(membership.user, membership.panel, ())
    record(
        "membership.removed",
        actor=by,
        target=membership,
        summary=f"Removed {membership.user.email} from {membership.panel.name}",
        changes={"role": [membership.role, None], "permissions": []},
        request=request,
    )
    membership.delete()


@transaction.atomic
def invite_member(
    panel: Panel,
    *,
    email: str,
    full_name: str,
    role: str,
    by: User | None,
    request: HttpRequest | None = None,
) -> Membership:
    """Add someone to a panel by email, creating their account if they have none.

    A new account has no password: the invitation links to the page where they choose one,
    and they set up two-factor authentication when they first sign in.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
        record(
            "user.invited",
            actor=by,
            target=user,
            summary=f"Created an account for {email} by invitation to {panel.name}",
            request=request,
        )
    membership = add_member(panel, user, role, by=by, request=request)
    transaction.on_commit(partial(queue_task, send_invitation, user.pk, panel.pk, created))
    return membership
