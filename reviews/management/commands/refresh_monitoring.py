"""Work out the monitoring figures again now, rather than at the next refresh by Celery beat.

    python manage.py refresh_monitoring

The figures are worked out every ``MONITORING_REFRESH_MINUTES`` by the beat task
``reviews.tasks.refresh_monitoring``; the demo and the scale data run this at their end.
"""

from typing import Any

from django.core.management.base import BaseCommand

from reviews.monitoring.refresh import refresh


class Command(BaseCommand):
    help = "Work out the monitoring figures again now."

    def handle(self, *args: Any, **options: Any) -> None:
        made = refresh()
        if made is None:
            self.stdout.write("Another refresh is running: its figures will show when it ends.")
            return
        self.stdout.write(f"Worked out {made.facts} facts in {made.seconds} seconds.")
