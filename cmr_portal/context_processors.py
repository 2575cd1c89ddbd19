"""Values every page template needs."""

from django.conf import settings
from django.http import HttpRequest

from cmr_portal.kernel.notifications.models import Notification
from panels.models import SBNI_STAFF, User
from panels.security import second_factor_done


def unread(user: object) -> int:
    """Read with the user on each request (``User.objects.for_requests``), else counted."""
    if isinstance(user, User) and hasattr(user, "unread_notifications"):
        return int(user.unread_notifications)
    return Notification.objects.filter(
        recipient_id=getattr(user, "pk", None), read_at__isnull=True
    ).count()


def portal(request: HttpRequest) -> dict[str, str | bool | int]:
    signed_in = request.user.is_authenticated and second_factor_done(request)
    return {
        "protective_marking": settings.PROTECTIVE_MARKING,
        "service_name": "Case Management Review portal",
        # The menu shows only once both factors are done: before that it leads nowhere.
        "show_navigation": signed_in,
        "unread_notifications": unread(request.user) if signed_in else 0,
        "is_sbni_staff": isinstance(request.user, User) and request.user.has_sbni_role(*SBNI_STAFF),
    }
