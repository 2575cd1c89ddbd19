"""How often a killed worker sends an email twice, counted, not timed (README, "The guarantee").

A slow mail server on loopback (every reply after the greeting held back), a real Celery worker in
a process of its own killed (SIGKILL) at random moments while it sends, started again, and the
sweep making good what the kills lost. Every email must arrive; the duplicates are printed (run
with ``-s``) and can only come from a kill between the mail server's acceptance and the
database's record, so there are never more of them than kills.
"""

import datetime
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import time_machine
from django.db import connection

from cmr_portal.celery import app as celery_app
from cmr_portal.kernel.notifications.delivery import queue_due_emails
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.notifications.services import notify
from tests.conftest import Personas
from tests.notifications.mail_server import MailServer

EMAILS = 20
KILLS = 10
SLOW = 0.2  # seconds for each reply of the mail server


def start_worker(server: MailServer) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
    }
    options = ["--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=WARNING"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cmr_portal", "worker", *options], env=env
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_sends_an_email_twice_only_in_the_window(
    personas: Personas, mail_server: MailServer
) -> None:
    celery_app.control.purge()
    mail_server.delay = SLOW
    shuffle = random.Random(15)  # noqa: S311 (when to kill, not a secret)
    for number in range(EMAILS):
        notify([personas.sbni_officer], message=f"Fictional email {number:02}", url="/")
    later = datetime.timedelta()
    kills = 0
    while Notification.objects.filter(emailed_at__isnull=True).exists():
        worker = start_worker(mail_server)
        try:
            if kills < KILLS:
                seen = len(mail_server.received)
                for _ in range(600):  # until it is sending: up to a minute to start
                    if mail_server.sessions or len(mail_server.received) > seen:
                        break
                    time.sleep(0.1)
                time.sleep(shuffle.uniform(0, 6 * SLOW))  # somewhere in one email's exchange
                worker.send_signal(signal.SIGKILL)
                kills += 1
            else:
                for _ in range(600):
                    if not Notification.objects.filter(emailed_at__isnull=True).exists():
                        break
                    time.sleep(0.1)
        finally:
            worker.kill()
            worker.wait(timeout=30)
        mail_server.sessions = 0
        later += datetime.timedelta(minutes=61)  # past any lease: what the kills lost is due
        with time_machine.travel(later):
            queue_due_emails()
    received = sorted(mail_server.received)
    duplicates = len(received) - len(set(received))
    print(f"\n{EMAILS} emails, {kills} kills: {len(received)} received, {duplicates} twice")
    assert len(set(received)) == EMAILS  # every one arrived
    assert duplicates <= kills
