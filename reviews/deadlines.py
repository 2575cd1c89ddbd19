"""The due dates of a review's own steps, in Northern Ireland working days from the day it
opened: derived from the review and the timescales, never stored."""

import datetime

from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days
from referrals.models import Timescale
from reviews.models import Review


def step_due(review: Review, step: str, targets: dict[str, Timescale]) -> datetime.date:
    """When ``step`` (``Timescale.Step.TERMS_OF_REFERENCE`` or ``DRAFT_REPORT``) of ``review``
    is due; ``targets`` from ``referrals.deadlines.timescales()``."""
    return add_working_days(timezone.localdate(review.opened_at), targets[step].working_days)
