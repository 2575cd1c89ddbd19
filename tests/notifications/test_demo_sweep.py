"""The reminder sweep on the embedded database of `make run` (SQLite), where PostgreSQL's arrays
and settings are not to be had: it sends each reminder once, as on PostgreSQL.

The rest of the suite runs on PostgreSQL; this test runs `manage.py` in processes of their own on
a SQLite file, with the demo's fictional data, as scripts/run-dev.sh does."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SWEEP_TWICE = """
import datetime, json
from django.utils import timezone
from cmr_portal.kernel.notifications import reminders
from cmr_portal.kernel.notifications.models import Notification, Reminder
day = timezone.localdate() + datetime.timedelta(days=60)
before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
first = reminders.sweep(day)
again = reminders.sweep(day)
print(json.dumps({
    "first": first,
    "again": again,
    "reminders": Reminder.objects.count(),
    "swept": Notification.objects.filter(id__gt=before).count(),
    "emails_due": Notification.objects.filter(id__gt=before, next_attempt_at__isnull=False).count(),
}))
"""


def manage(database: Path, *arguments: str) -> str:
    environment = os.environ | {
        "PORTAL_ENV": "development",
        "DEMO": "true",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    finished = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return finished.stdout


def test_the_demo_sweeps_its_reminders_once_on_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    manage(database, "migrate", "--verbosity", "0")
    manage(database, "load_demo_data")
    result = json.loads(manage(database, "shell", "-c", SWEEP_TWICE).splitlines()[-1])
    # Sixty days on, the demo's reviews are overdue: reminders go, each once.
    assert result["first"] > 0
    assert result["again"] == 0
    assert result["reminders"] == result["first"] == result["swept"]
    # The demo's people take their emails as they happen: each reminder's email is due.
    assert result["emails_due"] == result["swept"]
