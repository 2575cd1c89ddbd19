"""A benchmark, not a test: the reminder sweep over many open deadlines of which a few are due.

    python manage.py benchmark_reminders --open 1000000 --due 1000

Fictional actions of one fictional review in follow-up are written with COPY inside a
transaction that is rolled back at the end, so the database is left as it was. Prints JSON: the
machine, the sweep's time and number of queries, first (reminders to send) and again (all sent
already), and the same for a tenth of the open deadlines, to show the queries do not grow. The
emails the reminders queue after commit are not part of the figures.
"""

import datetime
import io
import json
import os
import platform
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmr_portal.kernel.notifications import reminders
from cmr_portal.kernel.notifications.models import Reminder
from cmr_portal.kernel.working_days import add_working_days
from cmr_portal.tooling.benchmarks import Rollback, fictional_review
from panels.models import Agency
from reviews.models import Action, ReviewRecommendation

BATCH = 100_000


class Command(BaseCommand):
    help = "Time the reminder sweep over many open deadlines (PostgreSQL; leaves no data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--open", type=int, default=1_000_000, help="open deadlines")
        parser.add_argument("--due", type=int, default=1_000, help="of which due now")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        results: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "system": platform.platform(),
            },
            "open": options["open"],
            "due": options["due"],
        }
        try:
            with transaction.atomic():
                last = Reminder.objects.aggregate(last=Max("id"))["last"] or 0
                recommendation = fictional_review()
                started = time.perf_counter()
                self.write_actions(recommendation, options["open"] // 10, options["due"])
                results["tenth"] = self.sweeps()
                self.write_actions(
                    recommendation, options["open"] - options["open"] // 10, 0, offset=1
                )
                results["write_seconds"] = round(time.perf_counter() - started, 1)
                # Forget the reminders of the first run, so the full run sends them afresh.
                Reminder.objects.filter(id__gt=last).delete()
                results["full"] = self.sweeps()
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps(results, indent=2))

    def sweeps(self) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reviews_action")
        measured = {}
        today = timezone.localdate()
        # The first sweep of today, any later one of today (everything sent already), and the
        # first of the next working day (the overdue reminders whose week came round).
        for name, day in (
            ("first", today),
            ("again", today),
            ("next_working_day", add_working_days(today, 1)),
        ):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                sent = reminders.sweep(day)
                seconds = time.perf_counter() - started
            measured[name] = {
                "seconds": round(seconds, 3),
                "queries": len(queries),
                "reminders": sent,
            }
        return measured

    def write_actions(
        self, recommendation: ReviewRecommendation, count: int, due: int, offset: int = 0
    ) -> None:
        """``count`` actions with COPY: ``due`` of them due today, the rest in the years ahead."""
        agency = Agency.objects.get(short_name="PSNI")
        today = timezone.localdate()
        columns = (
            "uuid, recommendation_id, agency_id, owner, description, due_date, measure, status"
        )
        for first in range(0, count, BATCH):
            rows = io.StringIO()
            for n in range(first, min(first + BATCH, count)):
                when = (
                    today if n < due else today + datetime.timedelta(days=60 + (n + offset) % 3000)
                )
                rows.write(
                    f"{uuid.uuid4()}\t{recommendation.pk}\t{agency.pk}\tFictional post\t"
                    f"Fictional action\t{when.isoformat()}\tFictional\t{Action.Status.ON_TRACK}\n"
                )
            rows.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY reviews_action ({columns}) FROM STDIN", rows)
