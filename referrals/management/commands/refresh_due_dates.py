"""Work out again the due date of every referral in the SBNI's hands.

    python manage.py refresh_due_dates

Due dates are stored on the referrals (docs/decisions/0016) and follow every change of a clock
by themselves, a timescale changed in the admin site included. Run this once after deploying a
new version of the ``holidays`` package that changes Northern Ireland's bank holidays.
"""

from typing import Any

from django.core.management.base import BaseCommand

from referrals.services import refresh_due_dates


class Command(BaseCommand):
    help = "Work out again the due date of every referral in the SBNI's hands."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = refresh_due_dates()
        self.stdout.write(f"Due dates changed: {changed}")
