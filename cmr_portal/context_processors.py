"""Values every page template needs."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from cmr_portal.kernel.notifications.models import Notification
from panels.models import SBNI_STAFF, User
from panels.security import second_factor_done
from reviews.monitoring.filters import may_monitor


def unread(user: object) -> int:
    """Read with the user on each request (``User.objects.for_requests``), else counted."""
    if isinstance(user, User) and hasattr(user, "unread_notifications"):
        return int(user.unread_notifications)
    return Notification.objects.filter(
        recipient_id=getattr(user, "pk", None), read_at__isnull=True
    ).count()


@dataclass(frozen=True)
class MenuItem:
    """An entry of the service navigation: its words, its address, whether it is this page."""

    label: str
    href: str
    current: bool


@functools.cache
def _address(url_name: str, prefix: str) -> str:
    """A menu entry's address, reversed once for each script prefix (a menu of eight entries
    reversed on every request cost about 0.3 ms of it, issue 18)."""
    return reverse(url_name)


def menu(request: HttpRequest, is_sbni_staff: bool, monitors: bool) -> list[MenuItem]:
    """The service navigation of a signed-in person: the SBNI's queue and meetings for SBNI staff,
    the monitoring figures for SBNI staff and panel chairs (``monitors``), the admin site for
    staff; the entry of the page shown marked as current."""
    entries = [
        ("Home", "home"),
        ("Referrals", "referrals:list"),
        *([("SBNI queue", "referrals:queue")] if is_sbni_staff else []),
        *([("CMR Panel meetings", "referrals:meetings")] if is_sbni_staff else []),
        ("Reviews", "reviews:list"),
        *([("Monitoring", "reviews:monitoring")] if monitors else []),
        ("Your panels", "panels:list"),
        *([("Administration", "admin:index")] if request.user.is_staff else []),
    ]
    shown = request.resolver_match.view_name if request.resolver_match else None
    prefix = get_script_prefix()
    return [
        MenuItem(label, _address(url_name, prefix), url_name == shown)
        for label, url_name in entries
    ]


def portal(request: HttpRequest) -> dict[str, object]:
    signed_in = request.user.is_authenticated and second_factor_done(request)
    is_sbni_staff = isinstance(request.user, User) and request.user.has_sbni_role(*SBNI_STAFF)
    return {
        "protective_marking": settings.PROTECTIVE_MARKING,
        "service_name": "Case Management Review portal",
        # The menu shows only once both factors are done: before that it leads nowhere.
        "show_navigation": signed_in,
        "unread_notifications": unread(request.user) if signed_in else 0,
        "menu": menu(request, is_sbni_staff, is_sbni_staff or may_monitor(request.user))
        if signed_in and isinstance(request.user, User)
        else [],
    }
