"""Background work for notifications: emails (at once or as a daily digest) and the sweep."""

import datetime
import logging
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cmr_portal.notifications.models import Notification

logger = logging.getLogger(__name__)

FOOTER = "For your security this email does not include any details of the case."
# A notification not emailed after this long was missed (the broker was down): queue it again.
MISSED_AFTER = datetime.timedelta(minutes=5)
EMAIL_FAILURES = (OSError, SMTPException)


@shared_task(
    autoretry_for=EMAIL_FAILURES,
    retry_backoff=60,  # about 1, 2, 4, 8, 16 minutes... so an outage of the mail server passes
    retry_backoff_max=3600,
    max_retries=settings.EMAIL_MAX_ATTEMPTS - 1,
)
def email_notification(notification_pk: int) -> None:
    """Email one notification to someone who wants emails at once. A failure is counted, kept
    for the administrators, and retried with backoff."""
    try:
        _send(notification_pk)
    except EMAIL_FAILURES as error:
        Notification.objects.filter(pk=notification_pk).update(
            email_attempts=F("email_attempts") + 1,
            email_error=f"{type(error).__name__}: {error}"[:300],
        )
        raise


@transaction.atomic
def _send(notification_pk: int) -> None:
    """Send under a row lock and record that it went, so two copies never both send it."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(pk=notification_pk, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return
    recipient = notification.recipient
    if not recipient.is_active or getattr(recipient, "emails", "immediate") != "immediate":
        return
    send_mail(
        "Case Management Review portal: " + notification.message,
        f"{notification.message}\n\nSee it here: {settings.SITE_URL}{notification.url}\n\n{FOOTER}",
        None,
        [recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.email_error = ""
    notification.save(update_fields=["emailed_at", "email_error"])


@shared_task
def sweep() -> int:
    """Queue the reminders due now, and the emails that a broker outage held back."""
    # Imported here: the reminders queue emails through this module's task.
    from cmr_portal.notifications.reminders import sweep as queue_reminders

    queued = queue_reminders()
    missed = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lt=timezone.now() - MISSED_AFTER,
        email_attempts__lt=settings.EMAIL_MAX_ATTEMPTS,
        recipient__emails="immediate",
        recipient__is_active=True,
    ).values_list("pk", flat=True)[:1000]
    for pk in missed:
        email_notification.delay(pk)
    return queued


@shared_task
def daily_digest() -> int:
    """One email a day to each person who chose a digest, listing what they have not been
    emailed about (references and links only). The number of emails sent.

    Each person's digest for the day is claimed like a reminder, so two beat processes send it
    once; a failing address is recorded on that person's notifications and the others still go.
    """
    from cmr_portal.notifications.reminders import claim

    today = timezone.localdate().isoformat()
    sent = 0
    people = get_user_model().objects.filter(
        emails="daily", is_active=True, notifications__emailed_at__isnull=True
    )
    for user in people.distinct():
        try:
            with transaction.atomic():
                if not claim([("digest", today, user.pk)]):
                    continue
                sent += _send_digest(user)
        except EMAIL_FAILURES as error:
            Notification.objects.filter(recipient=user, emailed_at__isnull=True).update(
                email_attempts=F("email_attempts") + 1,
                email_error=f"{type(error).__name__}: {error}"[:300],
            )
    return sent


def _send_digest(user: Any) -> int:
    pending = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient=user, emailed_at__isnull=True)
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
    )
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        emailed_at=timezone.now(), email_error=""
    )
    return 1
