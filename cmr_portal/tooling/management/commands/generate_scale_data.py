"""Fictional national-scale data for the benchmarks, written with COPY into PostgreSQL.

    python manage.py generate_scale_data --scale 1     # the UK over ten years
    python manage.py generate_scale_data --scale 0.01  # a hundredth, for CI

Run it on a freshly migrated database kept for benchmarks, never on one with real records: it
refuses a database that holds any referral. Prints JSON: the rows and seconds per table, the
whole time and the database's size.
"""

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Model

from cmr_portal.tooling.scale_data import Generator
from referrals.models import Referral
from reviews.models import Fact, Summary, Tally
from reviews.monitoring.refresh import refresh


class Command(BaseCommand):
    help = "Write fictional national-scale data into an empty PostgreSQL database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 is 100,000 referrals and 5,000,000 audit events; 0.01 a hundredth",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Scale data is for benchmark databases, never production.")
        if connection.vendor != "postgresql":
            raise CommandError("Scale data needs PostgreSQL (set DATABASE_URL).")
        if options["scale"] <= 0:
            raise CommandError("The scale must be more than 0.")
        if Referral.objects.exists():
            raise CommandError(
                "This database already holds referrals. Use a new, migrated database."
            )
        started = time.perf_counter()
        with transaction.atomic():
            tables = Generator(options["scale"]).run()
        written = time.perf_counter() - started
        # The monitoring figures, as beat would work them out within the hour.
        figures = refresh()
        assert figures is not None
        with connection.cursor() as cursor:
            # As autovacuum would in time: statistics for the planner, and the visibility map
            # that lets an index answer a count without reading the table.
            vacuumed: list[type[Model]] = [*Generator.written_models(), Fact, Tally, Summary]
            for model in vacuumed:
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            cursor.execute("SELECT pg_database_size(current_database())")
            (size,) = cursor.fetchone()
        summary = {
            "scale": options["scale"],
            "seconds": round(written, 1),
            "seconds_with_vacuum": round(time.perf_counter() - started, 1),
            "database_megabytes": round(size / 1024 / 1024),
            "tables": tables,
            "monitoring": {"facts": figures.facts, "seconds": figures.seconds},
        }
        self.stdout.write(json.dumps(summary, indent=2))
