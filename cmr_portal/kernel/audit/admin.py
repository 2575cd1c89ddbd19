import re
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cmr_portal.kernel.admin import LargeTableAdmin, ReadOnlyAdmin, people_searched
from cmr_portal.kernel.audit.models import AuditEvent

# An action as the code names it: "user.signed_in", "referral.document_added".
ACTION = re.compile(r"[a-z_]+(\.[a-z_]+)+")


class KindFilter(admin.SimpleListFilter):
    """What an event is about: the first part of its action ("referral" in
    "referral.submitted"). The choices are written here, so that listing them reads no event; a
    new kind of audited record needs its line."""

    title = "kind"
    parameter_name = "kind"
    kinds = {
        "referral": "Referrals",
        "meeting": "CMR Panel meetings",
        "review": "Reviews",
        "membership": "Panel memberships",
        "user": "People's accounts",
        "notification": "Notifications",
        "timescale": "Timescales",
        "monitoring": "Monitoring figures",
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(self.kinds.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        kind = self.value()
        if kind in self.kinds:
            return queryset.filter(action__startswith=f"{kind}.")
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, LargeTableAdmin):
    """Read-only: the audit trail can be searched here but never added to, changed or deleted.
    An event's ``changes`` (answers before and after, a chronology entry's text) are case
    content: they are shown only on the case's own History, to the people who may see the case,
    never here, where administrators and superusers hold no role on any case.

    Millions of events (5,000,000 at scale 1): every filter, search and ordering here is answered
    through an index (``AuditEvent.Meta.indexes``). The search matches whole values only, never
    words inside the summaries, which would read every event (docs/decisions/0015)."""

    exclude = ["changes"]

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = [("created_at", admin.DateFieldListFilter), KindFilter]
    sortable_by = ["created_at"]
    # What the search matches (see get_search_results): shown as the search box's help.
    search_fields = ["actor__email", "action", "target_id"]
    search_help_text = (
        "Search for an email address (what that person did), an action such as "
        "user.signed_in, or a target id (what was done to that record)."
    )
    list_select_related = ["actor"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """The events of the person with that email address, of that action, or about the
        record with that id: whole values, each through an index."""
        term = search_term.strip()
        if not term:
            return queryset, False
        people = people_searched(term)
        if people is not None:
            return queryset.filter(actor_id__in=people), False
        if ACTION.fullmatch(term):
            return queryset.filter(action=term), False
        return queryset.filter(target_id=term), False
