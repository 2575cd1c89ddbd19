"""Emails of notifications: when each is tried, the task that sends one, and the queueing.

Delivery (README, "Delivery"): an email is tried until it goes or ``EMAIL_HORIZON_HOURS`` pass
from ``email_since``. When its next attempt is due is kept on the row (``next_attempt_at``), not
in a Celery countdown (one longer than Redis's visibility timeout is delivered again), so neither
an outage of the mail server nor one of the broker loses it: every minute beat runs
``tasks.send_due_emails``, which queues what is due, found through an index. Each attempt first
claims the row by its count of attempts, so two copies of a task send once, and queuing a task
again uses up nothing. What passes the horizon is given up and shown to administrators, who may
send again.
"""

import datetime
import logging
from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.queue import queue_task

logger = logging.getLogger(__name__)

FOOTER = "For your security this email does not include any details of the case."
EMAIL_FAILURES = (OSError, SMTPException)
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_MOST = datetime.timedelta(hours=1)
# A row queued or being sent is not queued again for this long: longer than one send can take
# (EMAIL_TIMEOUT for each step of the SMTP conversation). A task lost on the way is made good
# after it.
QUEUED_FOR = datetime.timedelta(minutes=5)


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after its ``attempts``-th failed attempt (1 or more) an email is tried again:
    1, 2, 4, 8, 16 and 32 minutes, then every hour until the horizon."""
    doublings = min(max(attempts, 1) - 1, 16)
    return min(RETRY_FIRST * (1 << doublings), RETRY_MOST)


def horizon() -> datetime.timedelta:
    """How long an email is tried for (``EMAIL_HORIZON_HOURS``), counted from ``email_since``."""
    return datetime.timedelta(hours=settings.EMAIL_HORIZON_HOURS)


def failed(error: BaseException) -> str:
    """What an administrator is shown of a failure: its kind and message, cut to the column."""
    return f"{type(error).__name__}: {error}"[:300]


@shared_task
def email_notification(notification_pk: int, attempt: int | None = None) -> None:
    """Email one notification to someone who wants emails at once.

    ``attempt`` is the row's count of attempts when the task was queued: of two copies of a task,
    only the first to claim the row (its count moving on by one) sends. Left out, as when someone
    calls it by hand, the row's count now. A failure is kept for the administrators, the next
    attempt is due after ``retry_delay``, and the error is raised again (the task fails).
    """
    pending = Notification.objects.filter(
        pk=notification_pk, emailed_at__isnull=True, email_gave_up_at__isnull=True
    )
    notification = pending.select_related("recipient").first()
    if notification is None:
        return
    recipient = notification.recipient
    if not recipient.is_active or getattr(recipient, "emails", "immediate") != "immediate":
        # No email of its own: the daily digest takes it, or no one. A digest's failed attempts
        # keep their next attempt.
        pending.filter(email_attempts=0).update(next_attempt_at=None)
        return
    tried = notification.email_attempts if attempt is None else attempt
    claimed = pending.filter(email_attempts=tried).update(
        email_attempts=tried + 1, next_attempt_at=timezone.now() + QUEUED_FOR
    )
    if not claimed:
        return  # another copy of the task has it, or had it
    try:
        with get_connection() as connection:
            send_mail(
                "Case Management Review portal: " + notification.message,
                f"{notification.message}\n\nSee it here: {settings.SITE_URL}{notification.url}"
                f"\n\n{FOOTER}",
                None,
                [recipient.email],
                connection=connection,
            )
            # Recorded the moment the mail server accepts it, before saying goodbye to the
            # server, in a statement of its own: a worker killed between the two is the one way
            # an email goes twice, and this leaves it the least time to die in.
            pending.update(emailed_at=timezone.now(), next_attempt_at=None, email_error="")
    except EMAIL_FAILURES as error:
        pending.update(
            email_error=failed(error), next_attempt_at=timezone.now() + retry_delay(tried + 1)
        )
        raise


def queue_email(notification_pk: int) -> None:
    """Queue a notification's first email (attempt 0)."""
    queue_task(email_notification, notification_pk, 0)


SWEEP_BATCH = 1000


def queue_due_emails() -> int:
    """Queue the emails whose next attempt is due, oldest first, at most ``SWEEP_BATCH``; the
    number queued. Each is leased until queued again if its task is lost, for as long as it has
    waited (5 minutes at least, an hour at most), so a worker that is down for hours does not
    fill the broker with copies. Emails past the horizon are given up for the administrators.
    """
    now = timezone.now()
    due = Notification.objects.filter(emailed_at__isnull=True, next_attempt_at__lte=now)
    gave_up = due.filter(email_since__lt=now - horizon()).update(
        next_attempt_at=None, email_gave_up_at=now
    )
    if gave_up:
        logger.error("%s emails were not sent within the horizon: see the admin", gave_up)
    with transaction.atomic():
        rows = list(
            due.filter(recipient__emails="immediate", recipient__is_active=True)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")
            .values_list("pk", "email_attempts")[:SWEEP_BATCH]
        )
        waited = ExpressionWrapper(Value(now) - F("email_since"), output_field=DurationField())
        lease = Least(Greatest(waited, Value(QUEUED_FOR)), Value(RETRY_MOST))
        Notification.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            next_attempt_at=ExpressionWrapper(Value(now) + lease, output_field=DateTimeField())
        )
        for pk, attempts in rows:
            transaction.on_commit(partial(queue_task, email_notification, pk, attempts))
    return len(rows)
