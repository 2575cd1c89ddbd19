from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cmr_portal.kernel.admin import ListEntryAdmin
from panels.models import User
from referrals import services
from referrals.models import LearningRoute, Timescale


@admin.register(Timescale)
class TimescaleAdmin(admin.ModelAdmin[Timescale]):
    """SBNI administrators set the target for each step; the due dates of every referral in the
    SBNI's hands follow at once (``services.change_timescale``)."""

    list_display = ["step", "working_days", "pauses_while_waiting", "is_placeholder"]
    list_editable = ["working_days", "pauses_while_waiting", "is_placeholder"]
    fields = ["step", "working_days", "pauses_while_waiting", "is_placeholder"]
    readonly_fields = ["step"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Timescale | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Timescale, form: Any, change: bool) -> None:
        admin_user = request.user
        assert isinstance(admin_user, User)
        services.change_timescale(
            obj.step,
            {name: getattr(obj, name) for name in form.changed_data},
            by=admin_user,
            request=request,
        )


# The other ways to learn from a case that needs no CMR.
admin.site.register(LearningRoute, ListEntryAdmin)
