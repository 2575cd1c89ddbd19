from django.contrib import admin

from cmr_portal.kernel.admin import ReadOnlyAdmin
from cmr_portal.kernel.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail can be searched here but never added to, changed or deleted."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
