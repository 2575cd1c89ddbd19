"""Work out again the due date of every referral in the SBNI's hands and of every open review.

    python manage.py refresh_due_dates

Due dates are stored on the referrals and the reviews (docs/decisions/0016 and 0017) and follow
every change of a clock by themselves, a timescale changed in the admin site included. Run this
once after deploying a new version of the ``holidays`` package that changes Northern Ireland's
bank holidays. It lives in the reviews app, the higher of the two, which may call both.
"""

from typing import Any

from django.core.management.base import BaseCommand

from referrals import services as referrals
from reviews import timescales as reviews


class Command(BaseCommand):
    help = "Work out again the due date of every referral in the SBNI's hands and open review."

    def handle(self, *args: Any, **options: Any) -> None:
        referrals_changed = referrals.refresh_due_dates()
        reviews_changed = reviews.refresh_due_dates()
        self.stdout.write(f"Referral due dates changed: {referrals_changed}")
        self.stdout.write(f"Review due dates changed: {reviews_changed}")
