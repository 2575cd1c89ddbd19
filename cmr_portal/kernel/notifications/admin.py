from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cmr_portal.kernel.admin import LargeTableAdmin, ReadOnlyAdmin, people_searched
from cmr_portal.kernel.notifications import services
from cmr_portal.kernel.notifications.models import Notification


class EmailFilter(admin.SimpleListFilter):
    title = "email"
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("gave-up", "Not sent: given up"),
            ("failing", "Failing"),
            ("waiting", "Not sent yet"),
            ("sent", "Sent"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "gave-up":
            return queryset.filter(emailed_at__isnull=True, email_gave_up_at__isnull=False)
        if self.value() == "failing":
            return queryset.filter(emailed_at__isnull=True).exclude(email_error="")
        if self.value() == "waiting":
            return queryset.filter(emailed_at__isnull=True, email_error="")
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, LargeTableAdmin):
    """Read-only but for one action: administrators see which emails fail, how often and why,
    and send again those given up after the horizon (or still failing).

    Hundreds of thousands of rows (200,000 at scale 1): sorted by time only, which an index
    answers (the email's columns change with every attempt, and an index on them would cost each
    update more than the odd sort is worth), and searched by the recipient's address."""

    list_display = [
        "created_at",
        "recipient",
        "message",
        "emailed_at",
        "email_attempts",
        "next_attempt_at",
        "email_gave_up_at",
        "email_error",
    ]
    list_filter = [EmailFilter]
    sortable_by = ["created_at"]
    # What the search matches (see get_search_results): shown as the search box's help.
    search_fields = ["recipient__email"]
    search_help_text = "Search for an email address: the notifications of that person."
    list_select_related = ["recipient"]
    actions = ["send_email_again"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """The notifications of the person with that email address, through the index on the
        recipient. Not words of the messages, which would read every notification twice (for
        the count and for the page: at scale 1, 200,000 rows, 200 to 400 ms)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(recipient_id__in=people_searched(search_term) or []), False

    @admin.action(description="Send the email again", permissions=["send_email_again"])
    def send_email_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        chosen = list(queryset.select_related(None).only("pk"))
        again = services.send_email_again(chosen, by=request.user, request=request)
        self.message_user(request, f"Emails to be sent again: {again}.")
        if len(chosen) > again:
            self.message_user(
                request,
                f"Emails left alone because they were sent already: {len(chosen) - again}.",
                messages.WARNING,
            )

    def has_send_email_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.send_email_again")
