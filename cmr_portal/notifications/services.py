"""Tell people things: a notification row each, inside the caller's transaction, then an email."""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from kombu.exceptions import OperationalError

from cmr_portal.audit.services import record
from cmr_portal.notifications.models import Notification
from cmr_portal.notifications.tasks import email_notification

logger = logging.getLogger(__name__)


def notify(recipients: Iterable[AbstractBaseUser], *, message: str, url: str) -> list[Notification]:
    """Create a notification for each recipient; email each one after the change commits.

    The message and the emails carry a reference and a link, never a child's details. If the
    broker is down the change still succeeds: the notifications are in the database.
    """
    return notify_each((recipient.pk, message, url) for recipient in recipients)


def notify_each(rows: Iterable[tuple[Any, str, str]]) -> list[Notification]:
    """``notify`` for rows of (recipient's pk, message, url), each its own."""
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=recipient, message=message, url=url)
        for recipient, message, url in rows
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


@transaction.atomic
def choose_emails(user: Any, choice: str, *, request: HttpRequest | None = None) -> None:
    """Record how a person wants to be emailed: each notification, or a daily digest."""
    before = user.emails
    get_user_model().objects.filter(pk=user.pk).update(emails=choice)
    record(
        "user.emails_chosen",
        actor=user,
        target=user,
        summary=f"Chose emails: {choice}",
        changes={"emails": [before, choice]},
        request=request,
    )
