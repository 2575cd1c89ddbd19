"""Lists counted up to a cap: exact totals and numbered pages within it, "More than" and pages
read forward past it, in two queries whatever the list holds."""

from typing import Any

import pytest
from django.core.paginator import Page
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.pagination import ForwardPage, counted_page, forward_page, total
from panels.models import User


def notifications(user: User, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, message=f"Fictional notice {n:02d}", url="/")
        for n in range(count)
    )


@pytest.fixture
def twelve(user: User) -> QuerySet[Notification]:
    """Twelve notifications in the order of their messages."""
    notifications(user, 12)
    return Notification.objects.filter(recipient=user).order_by("message")


def second_page_of_5(rows: QuerySet[Notification]) -> tuple[Any, list[str]]:
    """The second page of 5 of ``rows``, checked to hold the sixth to tenth and to take two
    queries, and the SQL of those queries."""
    with CaptureQueriesContext(connection) as queries:
        page = counted_page(rows, "2", 5)
        shown = [notice.message for notice in page]
    assert shown == [notice.message for notice in rows[5:10]]
    assert len(queries) == 2
    return page, [query["sql"] for query in queries.captured_queries]


def test_within_the_cap_the_page_and_its_total_are_exact(
    twelve: QuerySet[Notification], settings: Settings
) -> None:
    settings.LIST_COUNT_CAP = 12
    page, _ = second_page_of_5(twelve)
    assert isinstance(page, Page)
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (12, 3, 2)
    assert total(page, "notification") == "12 notifications"
    # As Django's paginator: the last page for a number past the end, the first for nonsense.
    assert counted_page(twelve, "9", 5).number == 3
    assert counted_page(twelve, "nonsense", 5).number == 1


def test_past_the_cap_the_list_says_more_than_and_pages_forward(
    twelve: QuerySet[Notification], settings: Settings
) -> None:
    settings.LIST_COUNT_CAP = 4
    page, queries = second_page_of_5(twelve)
    # The count stops one row past the cap, whatever the list holds.
    assert "LIMIT 5" in queries[0]
    assert isinstance(page, ForwardPage)
    assert (page.number, page.has_previous(), page.has_next, page.more_than) == (2, True, True, 4)
    assert total(page, "notification") == "More than 4 notifications"
    last = counted_page(twelve, "3", 5)
    assert isinstance(last, ForwardPage)
    assert [notice.message for notice in last] == [notice.message for notice in twelve[10:]]
    assert not last.has_next
    assert len(counted_page(twelve, "4", 5)) == 0
    assert counted_page(twelve, "nonsense", 5).number == 1


def test_grouped_rows_are_counted_as_the_lines_they_make(
    twelve: QuerySet[Notification], settings: Settings
) -> None:
    lines = twelve.values("url").annotate(count=Count("id")).order_by("url")
    settings.LIST_COUNT_CAP = 1
    page = counted_page(lines, None)
    assert isinstance(page, Page)
    assert page.paginator.count == 1
    assert list(page) == [{"url": "/", "count": 12}]


def test_a_list_not_counted_has_no_total(twelve: QuerySet[Notification]) -> None:
    assert total(forward_page(twelve, None, 5), "notification") == ""


def test_the_total_takes_a_plural_of_its_own(user: User, settings: Settings) -> None:
    settings.LIST_COUNT_CAP = 1
    notifications(user, 1)
    rows = Notification.objects.filter(recipient=user).order_by("id")
    assert total(counted_page(rows, None), "person;people") == "1 person"
    notifications(user, 1)
    assert total(counted_page(rows, None), "person;people") == "More than 1 person"
