from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cmr_portal.admin_site import ReadOnlyAdmin
from cmr_portal.notifications.models import Notification


class EmailFilter(admin.SimpleListFilter):
    title = "email"
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("failing", "Failing"), ("waiting", "Not sent yet"), ("sent", "Sent")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "failing":
            return queryset.filter(emailed_at__isnull=True).exclude(email_error="")
        if self.value() == "waiting":
            return queryset.filter(emailed_at__isnull=True, email_error="")
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: administrators see which emails fail, how often, and why."""

    list_display = [
        "created_at",
        "recipient",
        "message",
        "emailed_at",
        "email_attempts",
        "email_error",
    ]
    list_filter = [EmailFilter]
    search_fields = ["message", "recipient__email"]
    list_select_related = ["recipient"]
