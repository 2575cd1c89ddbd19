"""The admin's lists of tables that grow without end (issue 18): the audit trail and the
notifications. Counted exactly only while that is cheap, filtered by choices written in the code,
searched by whole values and sorted as offered, each through an index."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmr_portal.kernel.admin import EstimatedCountPaginator
from cmr_portal.kernel.audit.admin import KindFilter
from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.notifications.models import Notification
from panels.models import User
from tests.conftest import Personas, sign_in
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
AUDIT = "/admin/audit/auditevent/"
NOTIFICATIONS = "/admin/notifications/notification/"


def events(count: int, action: str = "test.happened", actor: User | None = None) -> None:
    for n in range(count):
        record(action, actor=actor, summary=f"Fictional event {n}")


def analyse(table: str) -> None:
    """Statistics for the planner, as autovacuum would gather them in time."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def paginator(per_page: int = 10, exact_up_to: int = 3, **filters: str) -> EstimatedCountPaginator:
    found = EstimatedCountPaginator(AuditEvent.objects.filter(**filters), per_page)
    found.exact_up_to = exact_up_to
    return found


def shown(page: bytes) -> list[str]:
    """The summaries of a changelist's rows, in their order."""
    return re.findall(r"Fictional event \w+", page.decode())


# The paginator


@pytest.mark.django_db
def test_the_count_is_exact_up_to_the_cap() -> None:
    events(3)
    counted = paginator(action="test.happened")
    assert (counted.count, counted.estimated, counted.described_count) == (3, False, "3")


@pytest.mark.django_db
def test_past_the_cap_the_count_is_the_planners_estimate() -> None:
    events(30)
    analyse("audit_auditevent")
    counted = paginator(action="test.happened")
    assert (counted.count, counted.estimated, counted.more_than) == (30, True, False)
    assert counted.described_count == "about 30"
    assert counted.num_pages == 3


@pytest.mark.django_db
def test_past_the_cap_an_estimate_below_what_was_counted_says_more_than() -> None:
    events(30)
    analyse("audit_auditevent")
    # Words inside a text: the planner, with no statistics for them, expects a row or so.
    counted = paginator(summary__icontains="fictional event")
    assert (counted.count, counted.estimated, counted.more_than) == (4, True, True)
    assert counted.described_count == "more than 3"


@pytest.mark.django_db
def test_the_links_to_the_last_pages_of_an_estimate_are_left_out() -> None:
    events(30)
    analyse("audit_auditevent")
    estimated = paginator(per_page=1)
    assert estimated.estimated
    ellipsis = estimated.ELLIPSIS
    assert list(estimated.get_elided_page_range(1)) == [1, 2, 3, 4, ellipsis]
    assert list(estimated.get_elided_page_range(10)) == [
        *[1, 2, ellipsis],
        *[7, 8, 9, 10, 11, 12, 13, ellipsis],
    ]
    exact = paginator(per_page=1, exact_up_to=100)
    assert not exact.estimated
    assert list(exact.get_elided_page_range(1)) == [1, 2, 3, 4, ellipsis, 29, 30]


# The audit trail


@pytest.fixture
def admin_client(client: Client, personas: Personas) -> Client:
    """A system administrator (staff with the role, not a superuser), signed in."""
    return sign_in(client, personas.admin)


@pytest.mark.django_db
def test_the_trail_reads_no_distinct_values_and_counts_no_more_than_the_cap(
    admin_client: Client,
) -> None:
    events(3)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(AUDIT)
    assert page.status_code == 200
    statements = [query["sql"] for query in queries if "audit_auditevent" in query["sql"]]
    assert not [sql for sql in statements if "DISTINCT" in sql]
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert counts
    assert all("LIMIT 10001" in sql for sql in counts)


# record("referral.viewed", ...) and record(f"review.{action}", ...) in the portal's code.
RECORDED = re.compile(r"""record\(\s*f?["']([a-z_]+)\.""")


def test_every_kind_of_action_the_code_records_is_a_choice() -> None:
    code = [
        path
        for package in ("cmr_portal", "panels", "referrals", "reviews")
        for path in (ROOT / package).rglob("*.py")
        if "tooling" not in path.parts
    ]
    kinds = {match[1] for path in code for match in RECORDED.finditer(path.read_text())}
    assert {"referral", "review", "user"} <= kinds  # the search itself works
    assert kinds <= set(KindFilter.kinds)


@pytest.mark.django_db
def test_the_kinds_come_from_the_code_and_filter(admin_client: Client, user: User) -> None:
    record("user.signed_in", actor=user, summary="Fictional event signed")
    record("membership.added", actor=user, summary="Fictional event added")
    record("referral.viewed", actor=user, summary="Fictional event viewed")
    page = admin_client.get(AUDIT).content.decode()
    for kind, label in KindFilter.kinds.items():
        assert f'href="?kind={kind}"' in page, label
    assert shown(admin_client.get(AUDIT, {"kind": "user"}).content) == ["Fictional event signed"]
    assert shown(admin_client.get(AUDIT, {"kind": "membership"}).content) == [
        "Fictional event added"
    ]


@pytest.mark.django_db
def test_the_date_filter_offers_periods_and_filters(admin_client: Client, user: User) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        record("test.happened", actor=user, summary="Fictional event earlier")
    record("test.happened", actor=user, summary="Fictional event today")
    page = admin_client.get(AUDIT).content.decode()
    assert "Past 7 days" in page
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    week = {
        "created_at__gte": str(today - datetime.timedelta(days=7)),
        "created_at__lt": str(today + datetime.timedelta(days=1)),
    }
    assert shown(admin_client.get(AUDIT, week).content) == ["Fictional event today"]


@pytest.mark.django_db
def test_the_search_finds_a_persons_actions_by_their_email_address(
    admin_client: Client, personas: Personas
) -> None:
    record("test.happened", actor=personas.sbni_officer, summary="Fictional event officer")
    record("test.happened", actor=personas.sbni_chair, summary="Fictional event chair")
    found = admin_client.get(AUDIT, {"q": personas.sbni_officer.email.upper()})
    assert shown(found.content) == ["Fictional event officer"]
    assert shown(admin_client.get(AUDIT, {"q": "nobody@test.example.org"}).content) == []


@pytest.mark.django_db
def test_the_search_finds_an_action_or_a_target_by_whole_value(
    admin_client: Client, user: User, personas: Personas
) -> None:
    record("user.recovery_code_used", actor=user, summary="Fictional event code", target=user)
    record("test.happened", actor=user, summary="Fictional event other")
    by_action = admin_client.get(AUDIT, {"q": "user.recovery_code_used"})
    assert shown(by_action.content) == ["Fictional event code"]
    by_target = admin_client.get(AUDIT, {"q": str(user.pk)})
    assert shown(by_target.content) == ["Fictional event code"]
    # Words inside the summaries are not searched: it would read every event.
    assert shown(admin_client.get(AUDIT, {"q": "other"}).content) == []


@pytest.mark.django_db
def test_the_trail_sorts_by_time_only(admin_client: Client) -> None:
    zoe = UserFactory.create(full_name="Zoe (fictional)")
    adam = UserFactory.create(full_name="Adam (fictional)")
    record("test.happened", actor=zoe, summary="Fictional event first")
    record("test.happened", actor=adam, summary="Fictional event second")
    newest_first = ["Fictional event second", "Fictional event first"]
    page = admin_client.get(AUDIT).content.decode()
    assert shown(page.encode()) == newest_first
    assert "sortable column-created_at" in page
    assert "sortable column-actor" not in page
    assert shown(admin_client.get(AUDIT, {"o": "0"}).content) == newest_first[::-1]
    # Sorting by the person who acted (Adam first) is not done, even if asked for.
    assert shown(admin_client.get(AUDIT, {"o": "1"}).content) == newest_first


@pytest.mark.django_db
def test_past_the_cap_the_page_says_about(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    events(30)
    analyse("audit_auditevent")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 3)
    total = AuditEvent.objects.count()  # with those the personas' memberships wrote
    page = admin_client.get(AUDIT).content.decode()
    assert f"About {total} audit events" in page
    assert f"About {total} results" in page  # beside the search box
    searched = admin_client.get(AUDIT, {"q": "test.happened"}).content.decode()
    assert "About 30 audit events" in searched


# The notifications


@pytest.mark.django_db
def test_notifications_are_searched_by_the_recipients_email_address(
    admin_client: Client, personas: Personas
) -> None:
    for person in (personas.sbni_officer, personas.sbni_chair):
        Notification.objects.create(
            recipient=person, message=f"Fictional for {person.full_name}", url="/"
        )
    found = admin_client.get(NOTIFICATIONS, {"q": personas.sbni_officer.email}).content.decode()
    assert f"Fictional for {personas.sbni_officer.full_name}" in found
    assert f"Fictional for {personas.sbni_chair.full_name}" not in found
    words = admin_client.get(NOTIFICATIONS, {"q": "Fictional"}).content.decode()
    assert "Fictional for" not in words
    assert "Search for an email address" in words


# The indexes


def index_definitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return {re.sub(r"^.* USING ", "", row[0]) for row in cursor.fetchall()}


@pytest.mark.django_db
def test_the_indexes_answer_the_lists() -> None:
    assert index_definitions("audit_auditevent") == {
        "btree (id)",
        "btree (created_at, id)",
        "btree (target_id, target_type, created_at DESC)",
        "btree (actor_id, created_at DESC)",
        "btree (action varchar_pattern_ops)",
    }
    assert "btree (created_at, id)" in index_definitions("notifications_notification")
