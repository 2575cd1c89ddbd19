"""Background work for notifications."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from cmr_portal.notifications.models import Notification

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notification(notification_pk: int) -> None:
    """Email one notification, once: the row records that it went."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(Q(pk=notification_pk), Q(emailed_at__isnull=True))
        .first()
    )
    if notification is None or not notification.recipient.is_active:
        return
    send_mail(
        "Case Management Review portal: " + notification.message,
        f"{notification.message}\n\nSee it here: {settings.SITE_URL}{notification.url}\n\n"
        "For your security this email does not include any details of the case.",
        None,
        [notification.recipient.email],
    )
    Notification.objects.filter(pk=notification_pk).update(emailed_at=timezone.now())
