"""Reminders on the right working days, exactly once, escalated when long overdue, by email at
once or in a daily digest, with failures counted and the broker's outages made good."""

import datetime
import io
import json
import time
from smtplib import SMTPException
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from pytest_django.fixtures import Settings

from cmr_portal.celery import app as celery_app
from cmr_portal.kernel.notifications import delivery, reminders, tasks
from cmr_portal.kernel.notifications.models import Notification, Reminder
from cmr_portal.kernel.notifications.reminders import Deadline, stages
from panels.models import User
from referrals import services as referral_services
from reviews.models import Action
from tests.conftest import Personas, RedisServer, at_once, wait_for_emails
from tests.referrals import flow

# Friday 17 July 2026; Monday 13 July is the observed holiday for 12 July (a Sunday).
DUE = datetime.date(2026, 7, 17)


def deadline(due: datetime.date = DUE) -> Deadline:
    return Deadline(
        key="test:1",
        reference="BEL-2026-0001",
        what="the test's obligation",
        due=due,
        owners=(1,),
        escalate_to=(2,),
        url="/",
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-07-06", []),  # 8 working days ahead: nothing yet
        ("2026-07-09", ["before-5@2026-07-17"]),  # Thursday: 5 working days (13 July a holiday)
        ("2026-07-10", ["before-5@2026-07-17"]),
        ("2026-07-16", ["before-1@2026-07-17"]),
        ("2026-07-17", ["due@2026-07-17"]),
        ("2026-07-18", ["overdue-0"]),  # Saturday: one working day late is Monday's
        ("2026-07-20", ["overdue-0"]),
        ("2026-07-24", ["overdue-0", "escalation"]),  # 5 working days late
        ("2026-07-27", ["overdue-1", "escalation"]),  # weekly after that
    ],
)
def test_the_stage_follows_northern_ireland_working_days(today: str, expected: list[str]) -> None:
    planned = stages(deadline(), datetime.date.fromisoformat(today))
    assert [plan.stage for plan in planned] == expected
    for plan in planned:
        assert plan.recipients == ((2,) if plan.stage == "escalation" else (1,))
        assert "BEL-2026-0001" in plan.message


def test_the_days_before_are_configurable(settings: Settings) -> None:
    settings.REMINDER_DAYS_BEFORE = [10, 3]
    assert [p.stage for p in stages(deadline(), datetime.date(2026, 7, 2))] == [
        "before-10@2026-07-17"
    ]
    assert [p.stage for p in stages(deadline(), datetime.date(2026, 7, 14))] == [
        "before-3@2026-07-17"
    ]


def test_a_date_on_a_weekend_is_due_on_its_day_not_the_friday() -> None:
    saturday = datetime.date(2026, 7, 18)
    friday = stages(deadline(saturday), datetime.date(2026, 7, 17))
    assert [plan.stage for plan in friday] == ["before-1@2026-07-18"]
    assert [plan.stage for plan in stages(deadline(saturday), saturday)] == ["due@2026-07-18"]


def asked(personas: Personas, due: datetime.date) -> None:
    referral = flow.sent(personas)
    with time_machine.travel(due - datetime.timedelta(days=20)):
        referral_services.request_information(
            referral, question="Fictional?", due_date=due, by=personas.sbni_officer
        )


def reminded(who: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=who).order_by("id").values_list("message", flat=True)
    )


def test_each_reminder_goes_once_on_its_day(personas: Personas) -> None:
    asked(personas, DUE)
    days = ["2026-07-08", "2026-07-09", "2026-07-09", "2026-07-10", "2026-07-16", "2026-07-17"]
    for day in days:
        with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T09:00+01:00")):
            reminders.sweep()
    messages = reminded(personas.belfast_member)
    assert [m.split(": ", 1)[1] for m in messages if m.startswith("BEL")] == [
        "the panel's answer to the SBNI's question is due on 17 July 2026",
        "the panel's answer to the SBNI's question is due on 17 July 2026",
        "the panel's answer to the SBNI's question is due today",
    ]
    assert Reminder.objects.filter(recipient=personas.belfast_member).count() == 3
    with time_machine.travel(datetime.datetime.fromisoformat("2026-07-24T09:00+01:00")):
        reminders.sweep()
    assert any(m.startswith("Escalated") for m in reminded(personas.belfast_chair))
    assert not any(m.startswith("Escalated") for m in reminded(personas.belfast_member))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_send_each_reminder_once(personas: Personas) -> None:
    asked(personas, DUE)

    def sweep() -> int:
        with time_machine.travel(datetime.datetime.fromisoformat("2026-07-16T09:00+01:00")):
            return reminders.sweep()

    outcomes = at_once(sweep, sweep, sweep, sweep)
    assert sorted(outcomes) == [0, 0, 0, 2], outcomes  # type: ignore[type-var]
    for person in (personas.belfast_member, personas.belfast_chair):
        assert len(reminded(person)) == 2  # the question, and its one reminder


def test_someone_who_chose_a_digest_gets_one_email_a_day(personas: Personas) -> None:
    User.objects.filter(pk=personas.sbni_officer.pk).update(emails=User.Emails.DAILY)
    first = flow.sent(personas)
    flow.sent(personas)
    for notification in Notification.objects.filter(recipient=personas.sbni_officer):
        delivery.email_notification(notification.pk)
    assert mail.outbox == []
    assert tasks.daily_digest() == 1
    (digest,) = mail.outbox
    assert "2 notifications" in digest.subject
    assert f"/referrals/{first.uuid}/" in digest.body
    assert "Fictional" not in digest.body  # references and links only
    flow.sent(personas)  # something new the same day: it waits for tomorrow's digest
    assert tasks.daily_digest() == 0
    with time_machine.travel(datetime.timedelta(days=1)):
        assert tasks.daily_digest() == 1


def test_a_reminder_to_someone_who_chose_a_digest_waits_for_it(personas: Personas) -> None:
    """Not an email of its own, and not given up while the digest is to come."""
    User.objects.filter(pk=personas.belfast_chair.pk).update(emails=User.Emails.DAILY)
    asked(personas, DUE)
    with time_machine.travel(datetime.datetime.fromisoformat("2026-07-16T09:00+01:00")):
        assert reminders.sweep() == 2  # the member and the chair
    with time_machine.travel(datetime.datetime.fromisoformat("2026-07-20T09:00+01:00")):
        delivery.queue_due_emails()  # past the horizon: what was due and unsent is given up
        assert tasks.daily_digest() == 1
    (digest,) = mail.outbox
    assert digest.to == [personas.belfast_chair.email]
    assert "the panel's answer to the SBNI's question is due on 17 July 2026" in digest.body


def test_a_failing_digest_does_not_hold_up_the_others(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in (personas.sbni_officer, personas.belfast_member):
        User.objects.filter(pk=person.pk).update(emails=User.Emails.DAILY)
    flow.sent(personas)  # the officer is told
    notify_panel = Notification.objects.create(
        recipient=personas.belfast_member, message="Fictional", url="/"
    )
    real = send_mail

    def refuse_the_officer(
        subject: str, body: str, sender: None, to: list[str], **kwargs: Any
    ) -> int:
        if to == [personas.sbni_officer.email]:
            raise SMTPException("Recipient refused (fictional)")
        return real(subject, body, sender, to, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", refuse_the_officer)
    assert tasks.daily_digest() == 1
    notify_panel.refresh_from_db()
    assert notify_panel.emailed_at is not None
    failed = Notification.objects.get(recipient=personas.sbni_officer)
    assert (failed.email_attempts, failed.emailed_at) == (1, None)
    assert "Recipient refused" in failed.email_error


def test_a_failing_email_is_counted_and_kept_for_the_administrators(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow.sent(personas)
    notification = Notification.objects.get(recipient=personas.sbni_officer)

    def refuse(*args: object, **kwargs: object) -> None:
        raise SMTPException("The mail server said no (fictional)")

    monkeypatch.setattr(delivery, "send_mail", refuse)
    with pytest.raises(SMTPException):
        delivery.email_notification(notification.pk)  # called directly, a retry re-raises
    notification.refresh_from_db()
    assert (notification.email_attempts, notification.emailed_at) == (1, None)
    assert "The mail server said no" in notification.email_error
    monkeypatch.undo()
    delivery.email_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_error == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_held_back_by_a_broker_outage_go_when_it_is_back(
    personas: Personas,
    broker_to_stop: RedisServer,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    broker_to_stop.stop()
    referral = flow.sent(personas)  # the broker is down: the referral is still sent
    assert Notification.objects.get(recipient=personas.sbni_officer).emailed_at is None
    # The broker is back: publishing goes to the Redis the worker reads.
    monkeypatch.setattr(celery_app.conf, "broker_write_url", settings.CELERY_BROKER_URL)
    celery_app._after_fork()  # type: ignore[attr-defined]
    held = Notification.objects.get(recipient=personas.sbni_officer)
    with time_machine.travel(datetime.timedelta(minutes=10)):
        tasks.sweep()
    for _ in range(200):  # the worker runs in another thread: up to ten seconds
        held.refresh_from_db()
        if held.emailed_at is not None:
            break
        time.sleep(0.05)
    assert held.emailed_at is not None
    sent = [message for message in mail.outbox if held.message in message.subject]
    assert [message.to for message in sent] == [[personas.sbni_officer.email]]
    assert referral.reference in sent[0].body


def test_the_benchmark_runs_and_leaves_nothing_behind(personas: Personas) -> None:
    """The benchmark at a small scale, so that it cannot rot (its figures are in the README)."""
    out = io.StringIO()
    call_command("benchmark_reminders", open=300, due=20, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["full"]["first"]["reminders"] == figures["tenth"]["first"]["reminders"] > 0
    assert figures["full"]["again"]["reminders"] == 0
    assert figures["full"]["first"]["queries"] <= figures["tenth"]["first"]["queries"]
    assert not Action.objects.exists()
    assert not Reminder.objects.exists()


def test_a_sweep_that_dies_half_way_leaves_its_reminders_for_the_next(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked(personas, DUE)

    def die(*args: object, **kwargs: object) -> object:
        raise SystemExit("the worker was killed (simulated)")

    with monkeypatch.context() as patched:
        # Killed after the claims, before the notifications are written.
        patched.setattr(reminders, "notify_many", die)
        with (
            time_machine.travel(datetime.datetime.fromisoformat("2026-07-16T09:00+01:00")),
            pytest.raises(SystemExit),
        ):
            reminders.sweep()
    assert not Reminder.objects.exists()  # the claims went with the transaction
    with time_machine.travel(datetime.datetime.fromisoformat("2026-07-16T09:00+01:00")):
        assert reminders.sweep() == 2  # the panel's two people, once each
        assert reminders.sweep() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_sweep_on_a_real_worker_emails_the_reminder(personas: Personas, worker: None) -> None:
    asked(personas, DUE)  # its own emails: the officer (referral sent), the panel (question)
    with time_machine.travel(datetime.datetime.fromisoformat("2026-07-17T09:00+01:00")):
        tasks.sweep.delay()
        wait_for_emails(5)
    due_today = [message for message in mail.outbox if "is due today" in message.subject]
    assert sorted(message.to[0] for message in due_today) == sorted(
        [personas.belfast_member.email, personas.belfast_chair.email]
    )
