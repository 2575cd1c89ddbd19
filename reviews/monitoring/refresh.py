"""Working the monitoring figures out again: every fact from the cases, then their tallies.

Run by Celery beat every ``MONITORING_REFRESH_MINUTES`` (``reviews.tasks.refresh_monitoring``), by
``manage.py refresh_monitoring``, and at the end of the demo and scale data. One transaction
replaces the facts and the tallies whole: a page reads the last refresh's figures until the new
ones are committed, never half of each. Two refreshes at once on PostgreSQL: the second finds the
first's lock and does nothing.
"""

import time
from itertools import islice

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from panels.models import Agency, User
from reviews.models import Fact, Refresh, Summary, Tally
from reviews.monitoring.facts import every_fact
from reviews.monitoring.figures import TALLY_FIELDS, summaries

BATCH = 5000
# pg_try_advisory_xact_lock's key: any number no other part of the portal uses.
LOCK = 20_2026


def _locked() -> bool:
    """Take the refresh's lock for this transaction; False when another refresh holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite runs one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        return bool(cursor.fetchone()[0])


def _tally() -> None:
    """Count the facts into the tallies, in the database (one statement)."""
    fact, tally, agency = Fact._meta.db_table, Tally._meta.db_table, Agency._meta.db_table
    grouped = "f.figure, f.key, f.label, f.month, f.panel_id, f.route, f.agency_id, a.name, f.value"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tally} (figure, key, label, month, panel_id, route, agency_id, "  # noqa: S608
            f"agency_name, value, count, within) "
            f"SELECT {grouped.replace('a.name', 'COALESCE(a.name, %s)')}, COUNT(*), "
            f"SUM(CASE WHEN f.within THEN 1 ELSE 0 END) "
            f"FROM {fact} f LEFT JOIN {agency} a ON a.id = f.agency_id GROUP BY {grouped}",
            [""],
        )


def _analyse() -> None:
    """Give the planner the new tables' statistics now, not when autovacuum next passes: with
    none, it reads every record behind a figure before taking the page of 25 it shows."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(model._meta.db_table for model in (Fact, Tally, Summary))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _vacuum() -> None:
    """Mark the new rows visible to all in the visibility map, so that counting the records
    behind a figure reads the index alone. VACUUM cannot run inside a transaction: inside one
    (a test's), the next autovacuum does it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (Fact, Tally, Summary):
            cursor.execute(f"VACUUM {model._meta.db_table}")


def refresh(*, by: User | None = None) -> Refresh | None:
    """Work out every fact and tally as of today and keep them; the finished ``Refresh``, or None
    when another refresh was already running (on PostgreSQL)."""
    started = time.perf_counter()
    with transaction.atomic():
        if not _locked():
            return None
        made = Refresh.objects.create(
            started_at=timezone.now(), as_of=timezone.localdate(), requested_by=by
        )
        Summary.objects.all().delete()
        Tally.objects.all().delete()
        Fact.objects.all().delete()
        facts = every_fact(made.as_of)
        count = 0
        while batch := list(islice(facts, BATCH)):
            Fact.objects.bulk_create(batch)
            count += len(batch)
        _tally()
        rows = Tally.objects.values_list(*TALLY_FIELDS, "panel_id", "route", "count", "within")
        Summary.objects.bulk_create(summaries(rows.iterator(chunk_size=BATCH)), batch_size=500)
        made.first_month = Tally.objects.aggregate(first=Min("month"))["first"]
        _analyse()
        made.facts, made.finished_at = count, timezone.now()
        made.seconds = round(time.perf_counter() - started, 2)
        made.save(update_fields=["facts", "first_month", "finished_at", "seconds"])
    _vacuum()
    return made
