"""Background work for notifications: emails (at once or as a daily digest) and the sweeps.

Delivery (README, "Delivery"): an email is tried until it goes or ``EMAIL_HORIZON_HOURS`` pass
from ``email_since``. When its next attempt is due is kept on the row (``next_attempt_at``), not
in a Celery countdown (one longer than Redis's visibility timeout is delivered again), so neither
an outage of the mail server nor one of the broker loses it: every minute beat runs
``send_due_emails``, which queues what is due, found through an index. Each attempt first claims
the row by its count of attempts, so two copies of a task send once, and queuing a task again uses
up nothing. What passes the horizon is given up and shown to administrators, who may send again.
"""

import datetime
import logging
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from cmr_portal.kernel.notifications.models import Notification, Reminder

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


def _failed(error: BaseException) -> str:
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
            email_error=_failed(error), next_attempt_at=timezone.now() + retry_delay(tried + 1)
        )
        raise


@shared_task
def sweep() -> int:
    """Queue the reminders due now, and the emails due (see ``send_due_emails``)."""
    # Imported here: the reminders and the services queue emails through this module's task.
    from cmr_portal.kernel.notifications.reminders import sweep as queue_reminders
    from cmr_portal.kernel.notifications.services import queue_due_emails

    queued = queue_reminders()
    queue_due_emails()
    return queued


@shared_task
def send_due_emails() -> int:
    """Every minute: queue the emails whose next attempt is due, give up those past the horizon,
    and send the day's digests that an outage held back. The number of emails queued."""
    from cmr_portal.kernel.notifications.services import queue_due_emails

    queued = queue_due_emails()
    now = timezone.localtime()
    digest_time = now.replace(hour=settings.REMINDER_DIGEST_HOUR, minute=0, second=0)
    if now >= digest_time:
        daily_digest(made_before=digest_time.replace(microsecond=0))
    return queued


@shared_task
def daily_digest(made_before: datetime.datetime | None = None) -> int:
    """One email a day to each person who chose a digest, listing what they have not been
    emailed about (references and links only). The number of emails sent.

    ``made_before`` limits it to people with something waiting from before then (the catch-up
    after the digest hour, from ``send_due_emails``); something newer waits for the next day.
    A person whose digest failed is tried again after ``retry_delay``. Each person's digest for
    the day is claimed like a reminder, so two beat processes send it once; a failing address is
    recorded on that person's notifications and the others still go.
    """
    from cmr_portal.kernel.notifications.reminders import claim

    today = timezone.localdate().isoformat()
    now = timezone.now()
    waiting = Notification.objects.filter(
        recipient=OuterRef("pk"), emailed_at__isnull=True, email_gave_up_at__isnull=True
    )
    backing_off = waiting.filter(email_attempts__gt=0, next_attempt_at__gt=now)
    sent_today = Reminder.objects.filter(deadline="digest", stage=today, recipient=OuterRef("pk"))
    people = get_user_model().objects.filter(
        Exists(waiting if made_before is None else waiting.filter(created_at__lt=made_before)),
        ~Exists(backing_off),
        ~Exists(sent_today),
        emails="daily",
        is_active=True,
    )
    sent = 0
    for user in people:
        try:
            # The connection outlives the transaction: it commits before the goodbye to the
            # mail server, as for a single email.
            with get_connection() as connection, transaction.atomic():
                if not claim([("digest", today, user.pk)]):
                    continue
                sent += _send_digest(user, connection)
        except EMAIL_FAILURES as error:
            unsent = Notification.objects.filter(
                recipient=user, emailed_at__isnull=True, email_gave_up_at__isnull=True
            )
            tried = (unsent.aggregate(most=Max("email_attempts"))["most"] or 0) + 1
            unsent.update(
                email_attempts=tried,
                email_error=_failed(error),
                next_attempt_at=timezone.now() + retry_delay(tried),
            )
    return sent


def _send_digest(user: Any, connection: Any) -> int:
    pending = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient=user, emailed_at__isnull=True, email_gave_up_at__isnull=True)
        .order_by("created_at")
    )
    if not pending:
        return 0
    lines = "\n".join(f"- {n.message}: {settings.SITE_URL}{n.url}" for n in pending)
    count = f"{len(pending)} notification{'s' if len(pending) != 1 else ''}"
    send_mail(
        f"Case Management Review portal: {count} since your last email",
        f"Since your last email:\n\n{lines}\n\n{FOOTER}",
        None,
        [user.email],
        connection=connection,
    )
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        emailed_at=timezone.now(), next_attempt_at=None, email_error=""
    )
    return 1
