from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cmr_portal.kernel.admin import ListEntryAdmin
from panels.models import User
from reviews import timescales
from reviews.models import LearningTheme, ReviewTimescale

# The learning themes applied to reviews and their findings.
admin.site.register(LearningTheme, ListEntryAdmin)


@admin.register(ReviewTimescale)
class ReviewTimescaleAdmin(admin.ModelAdmin[ReviewTimescale]):
    """System administrators set the target for each step of a review's own timescale; every open
    review's due date follows at once (``timescales.change_timescale``)."""

    list_display = ["step", "length", "unit", "is_placeholder"]
    list_editable = ["length", "unit", "is_placeholder"]
    fields = ["step", "length", "unit", "is_placeholder"]
    readonly_fields = ["step"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ReviewTimescale | None = None
    ) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ReviewTimescale, form: Any, change: bool
    ) -> None:
        admin_user = request.user
        assert isinstance(admin_user, User)
        timescales.change_timescale(
            obj.step,
            {name: getattr(obj, name) for name in form.changed_data},
            by=admin_user,
            request=request,
        )
