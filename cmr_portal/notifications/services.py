"""Tell people things: a notification row each, inside the caller's transaction, then an email."""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from kombu.exceptions import OperationalError

from cmr_portal.notifications.models import Notification
from cmr_portal.notifications.tasks import email_notification

logger = logging.getLogger(__name__)


def notify(recipients: Iterable[AbstractBaseUser], *, message: str, url: str) -> list[Notification]:
    """Create a notification for each recipient; email each one after the change commits.

    The message and the emails carry a reference and a link, never a child's details. If the
    broker is down the change still succeeds: the notifications are in the database.
    """
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=recipient.pk, message=message, url=url)
        for recipient in recipients
    )
    for notification in notifications:
        transaction.on_commit(partial(queue_email, notification.pk))
    return notifications


def queue_email(notification_pk: int) -> None:
    queue_task(email_notification, notification_pk)


def queue_task(task: Any, *args: Any) -> None:
    """Queue background work; with the broker down, log it: the records say what is still to do."""
    try:
        task.delay(*args)
    except OperationalError:
        logger.exception("The broker is down: %s%s is not queued yet", task.name, args)
