from django.contrib import admin
from django.http import HttpRequest

from cmr_portal.kernel.admin import ListEntryAdmin
from referrals.models import LearningRoute, Timescale


@admin.register(Timescale)
class TimescaleAdmin(admin.ModelAdmin[Timescale]):
    """SBNI administrators set the target for each step; deadlines follow at once."""

    list_display = ["step", "working_days", "pauses_while_waiting", "is_placeholder"]
    list_editable = ["working_days", "pauses_while_waiting", "is_placeholder"]
    fields = ["step", "working_days", "pauses_while_waiting", "is_placeholder"]
    readonly_fields = ["step"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Timescale | None = None) -> bool:
        return False


# The other ways to learn from a case that needs no CMR.
admin.site.register(LearningRoute, ListEntryAdmin)
