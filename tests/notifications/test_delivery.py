"""Every email arrives, whatever the mail server or the broker does, within the horizon: tried
1, 2, 4, 8... minutes apart, never used up by being queued again, the digest as soon as the mail
server is back, and what passes the horizon sent again by an administrator. A real SMTP server on
loopback (aiosmtpd) that is down, refuses, then accepts. Every person and message is fictional."""

import datetime
import itertools
import time
from collections.abc import Callable
from smtplib import SMTPException
from typing import Any

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from cmr_portal.celery import app as celery_app
from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications import delivery, tasks
from cmr_portal.kernel.notifications.delivery import queue_due_emails
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.notifications.services import notify
from panels.models import User
from tests.conftest import Personas, RedisServer, sign_in
from tests.notifications.mail_server import MailServer

MINUTE = datetime.timedelta(minutes=1)
WEDNESDAY = datetime.datetime.fromisoformat("2026-07-15T09:00+01:00")
ADMIN_LIST = "/admin/notifications/notification/"


def told(*people: User, what: str = "a fictional notification") -> list[Notification]:
    return notify(people, message=f"BEL-2026-0001: {what}", url="/referrals/")


def eventually(check: Callable[[], bool]) -> None:
    """The worker runs in another thread: give it up to fifteen seconds."""
    for _ in range(300):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not get there in fifteen seconds")


def failed(notification: Notification, error: str, count: int) -> bool:
    """Whether the worker has recorded the ``count``-th attempt's failure, with ``error``."""
    notification.refresh_from_db()
    return notification.email_attempts == count and error in notification.email_error


def attempts(notification: Notification) -> int:
    notification.refresh_from_db()
    return notification.email_attempts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_arrive_once_the_mail_server_is_back(
    personas: Personas, mail_server: MailServer, worker: None
) -> None:
    mail_server.stop()  # down: nothing listens
    officer, member = told(personas.sbni_officer, personas.belfast_member)
    # Until its failure is recorded a claimed email is leased for QUEUED_FOR: wait for both.
    eventually(lambda: failed(officer, "ConnectionRefusedError", 1))
    eventually(lambda: failed(member, "ConnectionRefusedError", 1))
    assert "ConnectionRefusedError" in officer.email_error
    mail_server.start()
    mail_server.refusing = True  # up, but "try again later"
    with time_machine.travel(2 * MINUTE):
        assert tasks.send_due_emails() == 2
        eventually(lambda: failed(officer, "Try again later", 2))
        eventually(lambda: failed(member, "Try again later", 2))
    assert "Try again later" in officer.email_error
    assert mail_server.received == []
    mail_server.refusing = False
    with time_machine.travel(5 * MINUTE):  # 2 minutes after the second attempt
        assert tasks.send_due_emails() == 2
        eventually(lambda: len(mail_server.received) == 2)
    assert (
        mail_server.received
        == ["Case Management Review portal: BEL-2026-0001: a fictional notification"] * 2
    )
    for notification in (officer, member):
        notification.refresh_from_db()
        assert notification.emailed_at is not None
        assert (notification.next_attempt_at, notification.email_error) == (None, "")


def test_attempts_are_spaced_by_time_and_queuing_again_uses_none_up(
    personas: Personas, mail_server: MailServer
) -> None:
    mail_server.refusing = True
    with time_machine.travel(WEDNESDAY, tick=False) as clock:
        # In the test's transaction the first task is never queued, as with the broker down.
        (notification,) = told(personas.sbni_officer)
        tried_at = []
        for _ in range(9):
            notification.refresh_from_db()
            due = notification.next_attempt_at
            assert due is not None
            clock.move_to(due - datetime.timedelta(seconds=1))
            assert queue_due_emails() == 0
            clock.move_to(due)
            assert queue_due_emails() == 1
            assert queue_due_emails() == 0  # queued once, not every minute
            count = notification.email_attempts
            for stale in range(count):  # copies queued earlier try nothing
                delivery.email_notification(notification.pk, stale)
            assert attempts(notification) == count
            with pytest.raises(SMTPException):
                delivery.email_notification(notification.pk, count)
            assert attempts(notification) == count + 1
            tried_at.append(due)
    gaps = [(later - earlier) // MINUTE for earlier, later in itertools.pairwise(tried_at)]
    assert gaps == [1, 2, 4, 8, 16, 32, 60, 60]
    assert tried_at[0] - WEDNESDAY == 5 * MINUTE  # a first task lost is made good
    assert mail_server.received == []
    celery_app.control.purge()


def test_past_the_horizon_an_administrator_sees_it_and_sends_it_again(
    personas: Personas, mail_server: MailServer, client: Client, settings: Settings
) -> None:
    settings.EMAIL_HORIZON_HOURS = 48
    mail_server.refusing = True
    (notification,) = told(personas.sbni_officer, what="given up (fictional)")
    with pytest.raises(SMTPException):
        delivery.email_notification(notification.pk)
    with time_machine.travel(datetime.timedelta(hours=47, minutes=59)):
        queue_due_emails()
        assert Notification.objects.get(pk=notification.pk).email_gave_up_at is None  # trying
    celery_app.control.purge()
    # Queued at 47:59 for up to an hour (a lost task is made good after it): given up when that
    # next attempt comes due, past the horizon.
    with time_machine.travel(datetime.timedelta(hours=48, minutes=59)):
        assert queue_due_emails() == 0
    notification.refresh_from_db()
    assert notification.email_gave_up_at is not None
    assert notification.next_attempt_at is None

    # Someone who is not a system administrator finds neither the list nor the action.
    sign_in(client, personas.sbni_officer)
    assert client.get(ADMIN_LIST).status_code == 404
    chosen = {"action": "send_email_again", "_selected_action": [notification.pk]}
    assert client.post(ADMIN_LIST, chosen).status_code == 404
    assert attempts(notification) == 1

    sign_in(client, personas.admin)
    page = client.get(ADMIN_LIST, {"email": "gave-up"}).content.decode()
    assert "given up (fictional)" in page
    assert "Send the email again" in page
    mail_server.refusing = False
    answer = client.post(ADMIN_LIST, chosen, follow=True).content.decode()
    assert "Emails to be sent again: 1." in answer
    again = Notification.objects.get(pk=notification.pk)
    assert (again.email_gave_up_at, again.email_attempts) == (None, 0)
    event = AuditEvent.objects.get(action="notification.email_sent_again")
    assert (event.actor_id, event.target_id) == (personas.admin.pk, str(notification.pk))
    assert "Try again later" in event.changes["email_error"][0]
    delivery.email_notification(notification.pk, 0)  # what the worker does with the queued task
    assert mail_server.received == [
        "Case Management Review portal: BEL-2026-0001: given up (fictional)"
    ]
    # Sent already: left alone, and said so.
    answer = client.post(ADMIN_LIST, chosen, follow=True).content.decode()
    assert "left alone because they were sent already: 1" in answer
    assert AuditEvent.objects.filter(action="notification.email_sent_again").count() == 1
    celery_app.control.purge()


def at(clock: Any, when: str) -> None:
    clock.move_to(datetime.datetime.fromisoformat(when))


def test_the_digest_goes_as_soon_as_the_mail_server_is_back(
    personas: Personas, mail_server: MailServer
) -> None:
    User.objects.filter(pk=personas.sbni_officer.pk).update(emails=User.Emails.DAILY)
    with time_machine.travel(
        datetime.datetime.fromisoformat("2026-07-15T06:00+01:00"), tick=False
    ) as clock:
        told(personas.sbni_officer, what="before the digest (fictional)")
        at(clock, "2026-07-15T06:59+01:00")
        tasks.send_due_emails()
        mail_server.stop()
        at(clock, "2026-07-15T07:00+01:00")  # the digest's hour, the mail server down
        tasks.send_due_emails()
        (waiting,) = Notification.objects.filter(recipient=personas.sbni_officer)
        assert (waiting.email_attempts, waiting.emailed_at) == (1, None)
        mail_server.start()
        at(clock, "2026-07-15T07:00:30+01:00")
        tasks.send_due_emails()
        assert mail_server.received == []  # a minute after the first try, not before
        at(clock, "2026-07-15T07:01+01:00")
        tasks.send_due_emails()
        assert mail_server.received == [
            "Case Management Review portal: 1 notification since your last email"
        ]
        told(personas.sbni_officer, what="after the digest (fictional)")
        at(clock, "2026-07-15T16:00+01:00")
        tasks.send_due_emails()
        assert len(mail_server.received) == 1  # something newer waits for tomorrow's
        at(clock, "2026-07-16T07:00+01:00")
        tasks.send_due_emails()
        assert len(mail_server.received) == 2
    celery_app.control.purge()


def test_the_digest_held_up_by_a_broker_outage_goes_when_beat_runs_again(
    personas: Personas, mail_server: MailServer
) -> None:
    User.objects.filter(pk=personas.sbni_officer.pk).update(emails=User.Emails.DAILY)
    with time_machine.travel(
        datetime.datetime.fromisoformat("2026-07-15T06:00+01:00"), tick=False
    ) as clock:
        told(personas.sbni_officer)
        # Nothing ran from 07:00 (the broker was down) until 11:20: then the first run sends it.
        at(clock, "2026-07-15T11:20+01:00")
        tasks.send_due_emails()
    assert mail_server.received == [
        "Case Management Review portal: 1 notification since your last email"
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_lost_when_the_broker_and_the_mail_server_are_down(
    personas: Personas,
    mail_server: MailServer,
    broker_to_stop: RedisServer,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    broker_to_stop.stop()
    mail_server.refusing = True
    (notification,) = told(personas.sbni_officer)  # not queued: the broker is down
    with time_machine.travel(6 * MINUTE):
        tasks.send_due_emails()  # not queued again either, and nothing lost
    assert attempts(notification) == 0
    # The broker is back: publishing goes to the Redis the worker reads.
    monkeypatch.setattr(celery_app.conf, "broker_write_url", settings.CELERY_BROKER_URL)
    celery_app._after_fork()  # type: ignore[attr-defined]
    with time_machine.travel(13 * MINUTE):  # queued again 6 minutes after the last try
        assert tasks.send_due_emails() == 1
        eventually(lambda: attempts(notification) == 1)
    mail_server.refusing = False
    with time_machine.travel(15 * MINUTE):
        assert tasks.send_due_emails() == 1
        eventually(lambda: len(mail_server.received) == 1)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
