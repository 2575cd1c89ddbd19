"""Background work for notifications that beat runs: the reminder sweep, the emails due, and the
daily digest. The email of one notification is ``delivery.email_notification``."""

import datetime
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from cmr_portal.kernel.notifications.delivery import (
    EMAIL_FAILURES,
    FOOTER,
    failed,
    queue_due_emails,
    retry_delay,
)
from cmr_portal.kernel.notifications.models import Notification, Reminder
from cmr_portal.kernel.notifications.reminders import claim
from cmr_portal.kernel.notifications.reminders import sweep as queue_reminders
from cmr_portal.kernel.words import counted


@shared_task
def sweep() -> int:
    """Queue the reminders due now, and the emails due (see ``send_due_emails``)."""
    queued = queue_reminders()
    queue_due_emails()
    return queued


@shared_task
def send_due_emails() -> int:
    """Every minute: queue the emails whose next attempt is due, give up those past the horizon,
    and send the day's digests that an outage held back. The number of emails queued."""
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
                if not claim([("digest", today, [user.pk])]):
                    continue
                sent += _send_digest(user, connection)
        except EMAIL_FAILURES as error:
            unsent = Notification.objects.filter(
                recipient=user, emailed_at__isnull=True, email_gave_up_at__isnull=True
            )
            tried = (unsent.aggregate(most=Max("email_attempts"))["most"] or 0) + 1
            unsent.update(
                email_attempts=tried,
                email_error=failed(error),
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
    count = counted(len(pending), "notification")
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
