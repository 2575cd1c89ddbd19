"""Tell people things: a notification row each, inside the caller's transaction, then an email."""

import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.notifications.delivery import QUEUED_FOR, queue_email
from cmr_portal.kernel.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(recipients: Iterable[AbstractBaseUser], *, message: str, url: str) -> list[Notification]:
    """Create a notification for each recipient; email each one after the change commits.

    The message and the emails carry a reference and a link, never a child's details. If the
    broker is down the change still succeeds: the notifications are in the database.
    """
    return notify_each((recipient.pk, message, url) for recipient in recipients)


def notify_each(rows: Iterable[tuple[Any, str, str]]) -> list[Notification]:
    """``notify`` for rows of (recipient's pk, message, url), each its own."""
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=recipient,
            message=message,
            url=url,
            email_since=now,
            next_attempt_at=now + QUEUED_FOR,  # queued at once; the sweep's if that is lost
        )
        for recipient, message, url in rows
    )
    for notification in notifications:
        transaction.on_commit(partial(queue_email, notification.pk))
    return notifications


def notify_many(groups: Iterable[tuple[str, str, Sequence[int]]]) -> int:
    """Notify each group of (message, url, recipients' pks) in one statement however many, for
    the reminder sweep; the number of notifications.

    The ORM cannot say an ``INSERT ... SELECT``, and a model instance a row costs more than the
    row. No task is queued for each one: its email is due at once, and
    ``delivery.queue_due_emails`` queues the emails due a batch at a time (``tasks.sweep`` the
    first batch, ``tasks.send_due_emails`` the rest each minute). People who chose the daily
    digest, or who have left, get no email of their own, as ``delivery.email_notification``
    decides.
    """
    groups = [(message, url, recipients) for message, url, recipients in groups if recipients]
    if not groups:
        return 0
    if connection.vendor != "postgresql":
        return _notify_each(groups)
    messages, urls, recipients = zip(*groups, strict=True)
    table = connection.ops.quote_name(Notification._meta.db_table)
    people = connection.ops.quote_name(get_user_model()._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, message, url, created_at, email_since, "  # noqa: S608
            "next_attempt_at, email_attempts, email_error) "
            "SELECT person.id, told.message, told.url, %(now)s, %(now)s, "
            "CASE WHEN person.is_active AND person.emails = 'immediate' THEN %(now)s END, 0, '' "
            "FROM unnest(%(messages)s::text[], %(urls)s::text[], %(recipients)s::text[]) "
            "AS told(message, url, recipients) "
            "CROSS JOIN LATERAL unnest(told.recipients::int[]) AS one(pk) "
            f"JOIN {people} person ON person.id = one.pk",
            {
                "now": now,
                "messages": list(messages),
                "urls": list(urls),
                "recipients": [int_array(pks) for pks in recipients],
            },
        )
        return int(cursor.rowcount)


def _notify_each(groups: list[tuple[str, str, Sequence[int]]]) -> int:
    """``notify_many`` on a database without PostgreSQL's arrays (the SQLite of ``make run``):
    the same rows, written by the ORM in one batch; an email due at once for each person active
    and on immediate emails, as the statement above decides."""
    now = timezone.now()
    people = get_user_model().objects.in_bulk({pk for _, _, pks in groups for pk in pks})
    immediate = get_user_model().Emails.IMMEDIATE
    made = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            message=message,
            url=url,
            created_at=now,
            email_since=now,
            next_attempt_at=now
            if people[pk].is_active and people[pk].emails == immediate
            else None,
        )
        for message, url, pks in groups
        for pk in pks
        if pk in people
    )
    return len(made)


def int_array(numbers: Iterable[int]) -> str:
    """PostgreSQL's literal of an array of whole numbers, ``{1,2,3}``: one parameter for many."""
    return "{" + ",".join(str(int(number)) for number in numbers) + "}"


@transaction.atomic
def send_email_again(
    notifications: Iterable[Notification], *, by: Any, request: HttpRequest | None = None
) -> int:
    """Try again, from now and for a new horizon, the emails of these notifications that have
    not gone (given up, or still failing); an audit event each. The number to be sent again;
    those emailed already are left alone."""
    now = timezone.now()
    unsent = list(
        Notification.objects.select_for_update()
        .filter(pk__in=[n.pk for n in notifications], emailed_at__isnull=True)
        .order_by("pk")
    )
    for notification in unsent:
        record(
            "notification.email_sent_again",
            actor=by,
            target=notification,
            summary=f"Sent again the email of notification {notification.pk}",
            changes={
                "email_attempts": [notification.email_attempts, 0],
                "email_error": [notification.email_error, ""],
                "email_gave_up_at": [
                    notification.email_gave_up_at and notification.email_gave_up_at.isoformat(),
                    None,
                ],
            },
            request=request,
        )
        transaction.on_commit(partial(queue_email, notification.pk))
    Notification.objects.filter(pk__in=[n.pk for n in unsent]).update(
        email_since=now,
        next_attempt_at=now + QUEUED_FOR,
        email_attempts=0,
        email_error="",
        email_gave_up_at=None,
    )
    return len(unsent)


@transaction.atomic
def choose_emails(user: Any, choice: str, *, request: HttpRequest | None = None) -> None:
    """Record how a person wants to be emailed: each notification, or a daily digest."""
    before = user.emails
    get_user_model().objects.filter(pk=user.pk).update(emails=choice)
    if choice == "immediate":  # what a digest would have taken is now each one's to send
        Notification.objects.filter(
            recipient=user, emailed_at__isnull=True, next_attempt_at__isnull=True
        ).update(next_attempt_at=timezone.now())
    record(
        "user.emails_chosen",
        actor=user,
        target=user,
        summary=f"Chose emails: {choice}",
        changes={"emails": [before, choice]},
        request=request,
    )
