from django.contrib import admin

from cmr_portal.kernel.admin import ReadOnlyAdmin
from cmr_portal.kernel.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail can be searched here but never added to, changed or deleted.
    An event's ``changes`` (answers before and after, a chronology entry's text) are case
    content: they are shown only on the case's own History, to the people who may see the case,
    never here, where administrators and superusers hold no role on any case."""

    exclude = ["changes"]

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
