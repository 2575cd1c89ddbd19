"""Admin classes every app's admin uses, and what a changelist over millions of rows needs."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest

from cmr_portal.kernel.pagination import count_up_to


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records to search and read, never to add, change or delete here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ListEntryAdmin(admin.ModelAdmin[Any]):
    """A list administrators keep (``kernel.lists.ListEntry``): add, rename or retire an entry,
    never delete it."""

    list_display = ["name", "active"]
    list_editable = ["active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def planner_estimate(queryset: QuerySet[Any]) -> int:
    """The number of rows PostgreSQL's planner expects ``queryset`` to give (``EXPLAIN``, which
    reads the table's statistics, not its rows: about a millisecond). An estimate, good for an
    unfiltered table, often wrong by a factor of several for a filtered one."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def about(count: int) -> int:
    """``count`` (at least 10) to two significant figures, as an estimate should be read:
    4,999,669 -> 5,000,000."""
    return round(count, 2 - len(str(count)))


@dataclass(frozen=True)
class Counted:
    """A count of rows, exact unless ``estimated``; ``more_than`` when only a lower bound."""

    count: int
    estimated: bool = False
    more_than: bool = False


class EstimatedCountPaginator(Paginator[Any]):
    """A paginator whose count is exact while that is cheap and an estimate otherwise.

    It reads at most ``exact_up_to`` + 1 rows to count (a bounded ``COUNT(*)`` over a ``LIMIT``),
    whatever the size of the table. Beyond that, the count is the planner's estimate
    (:func:`planner_estimate`) rounded to two significant figures, and ``estimated`` is true; if
    the planner expects fewer rows than were counted, ``more_than`` is true too and the count is
    ``exact_up_to`` + 1. The pages follow the count: beyond an estimate's last page, Django's
    admin says the page does not exist. Links to the last pages of an estimate are left out
    (they are guesses, and an offset of millions of rows is slow to read). On a database other than
    PostgreSQL (the demo's SQLite), the count is always exact.

    The admin's ``pagination.html`` and ``search_form.html`` (``templates/admin/``) show
    ``described_count``, which says "about" or "more than" before a count that is not exact.
    """

    # Counted exactly up to the lists' cap: at scale 1, counting 10,001 of the 5 million audit
    # events through an index takes 2 to 5 ms, 100,001 take 20 to 30 ms.
    exact_up_to: int = settings.LIST_COUNT_CAP

    @cached_property
    def counted(self) -> Counted:
        """The count, and how it was made (read once, on first use)."""
        queryset = cast("QuerySet[Any]", self.object_list)  # an admin's list is a query set
        counted = count_up_to(queryset, self.exact_up_to)
        if counted <= self.exact_up_to:
            return Counted(counted)
        if connections[queryset.db].vendor != "postgresql":
            return Counted(queryset.count())
        estimate = about(planner_estimate(queryset))
        if estimate > self.exact_up_to:
            return Counted(estimate, estimated=True)
        return Counted(counted, estimated=True, more_than=True)

    @property
    def count(self) -> int:
        return self.counted.count

    @property
    def estimated(self) -> bool:
        """Whether the count is not exact: the planner's estimate, or ``more_than``."""
        return self.counted.estimated

    @property
    def more_than(self) -> bool:
        """Whether the count is only known to be more than ``exact_up_to``."""
        return self.counted.more_than

    @property
    def described_count(self) -> str:
        """The count as a page says it: "1,234", "about 5,000,000" or "more than 10,000"."""
        count = self.count
        if self.more_than:
            return f"more than {self.exact_up_to:,}"
        return f"about {count:,}" if self.estimated else f"{count:,}"

    def get_elided_page_range(
        self, number: int | float | str = 1, *, on_each_side: int = 3, on_ends: int = 2
    ) -> Iterator[str | int]:
        """Django's page links; for an estimate, none after the ellipsis that follows the
        current page."""
        current = self.validate_number(number)
        passed = False
        for page in super().get_elided_page_range(
            current, on_each_side=on_each_side, on_ends=on_ends
        ):
            yield page
            passed = passed or page == current
            if self.estimated and passed and not isinstance(page, int):  # the ellipsis
                return


class OfferedOrderingChangeList(ChangeList):
    """A changelist that sorts only by the columns it offers (``sortable_by``): Django's own
    sorts by any column whose number is in the address (``?o=1``), whether offered or not."""

    def get_ordering_field(self, field_name: Any) -> Any:
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class LargeTableAdmin(admin.ModelAdmin[Any]):
    """A changelist over a table that grows without end (the audit trail, notifications): no
    exact count of millions of rows (:class:`EstimatedCountPaginator`, no unfiltered total
    beside a filtered one) and no counts beside the filters' choices. Its subclass keeps to
    filters whose choices come from the code, never a ``SELECT DISTINCT`` (so no
    ``date_hierarchy`` and no plain field in ``list_filter`` but a boolean, a choice or a date),
    and to orderings (``sortable_by``, which is enforced) and searches an index answers."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return OfferedOrderingChangeList


def people_searched(search_term: str) -> list[int] | None:
    """For a changelist's search that is an email address: the ids of the people with that
    address (one or none; compared in lower case, as the portal keeps addresses), for an
    indexed ``<person>_id IN (...)``. None when the term is not an email address."""
    term = search_term.strip()
    if "@" not in term or " " in term:
        return None
    people = get_user_model().objects.filter(email=term.lower())
    return list(people.values_list("pk", flat=True))
