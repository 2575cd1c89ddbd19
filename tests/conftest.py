"""Fixtures shared by every test: the real PostgreSQL and Redis, and the named personas.

The personas are the same in tests, demo data and docs: belfast_member, belfast_chair,
western_member, sbni_officer, cmr_panel_chair, sbni_chair, reviewer, agency_contact, admin.
All of them are fictional.
"""

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from cmr_portal.celery import app as celery_app
from panels import services
from panels.models import Agency, Membership, Panel, SbniRole, User
from tests.factories import UserFactory, verified_device


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Hashing at full strength costs seconds per user; what it protects is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings: Settings, tmp_path: Path) -> None:
    """Uploads go to a folder of the test's own, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user(db: None) -> User:
    person: User = UserFactory.create()
    return person


def sign_in(client: Client, user: User) -> Client:
    """Sign the user in with both factors, as the sign-in and verify pages would."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or verified_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class Personas:
    belfast: Panel
    western: Panel
    belfast_member: User
    belfast_chair: User
    western_member: User
    sbni_officer: User
    cmr_panel_chair: User
    sbni_chair: User
    lead_reviewer: User
    reviewer: User
    agency_contact: User
    admin: User
    # Neither holds a role: each must see no case (issue 15, item 1).
    superuser: User
    all_permissions: User

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user)


def make_persona(key: str, **fields: object) -> User:
    person: User = UserFactory.create(
        email=f"{key.replace('_', '.')}@test.example.org",
        full_name=f"{key.replace('_', ' ').capitalize()} (fictional)",
        **fields,
    )
    return person


def with_role(user: User, role: SbniRole) -> User:
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def personas(db: None) -> Personas:
    belfast = Panel.objects.get(code="BEL")
    western = Panel.objects.get(code="WST")
    people = Personas(
        belfast=belfast,
        western=western,
        belfast_member=make_persona("belfast_member"),
        belfast_chair=make_persona("belfast_chair"),
        western_member=make_persona("western_member"),
        sbni_officer=with_role(make_persona("sbni_officer"), SbniRole.SBNI_OFFICER),
        cmr_panel_chair=with_role(make_persona("cmr_panel_chair"), SbniRole.CMR_PANEL_CHAIR),
        sbni_chair=with_role(make_persona("sbni_chair"), SbniRole.SBNI_CHAIR),
        lead_reviewer=make_persona("lead_reviewer"),
        reviewer=make_persona("reviewer"),
        agency_contact=make_persona("agency_contact", agency=Agency.objects.get(short_name="PSNI")),
        admin=with_role(make_persona("admin", is_staff=True), SbniRole.SYSTEM_ADMINISTRATOR),
        superuser=make_persona("superuser", is_staff=True, is_superuser=True),
        all_permissions=make_persona("all_permissions", is_staff=True),
    )
    people.all_permissions.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["panels", "referrals", "reviews"])
    )
    for person in vars(people).values():
        if isinstance(person, User):
            verified_device(person)
    services.add_member(belfast, people.belfast_member, Membership.Role.MEMBER, by=None)
    services.add_member(belfast, people.belfast_chair, Membership.Role.CHAIR, by=None)
    services.add_member(western, people.western_member, Membership.Role.MEMBER, by=None)
    return people


@dataclass
class RedisServer:
    """A private redis-server that a test may stop, to see what happens without a broker."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def broker_to_stop(
    private_redis: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RedisServer]:
    """Point the web side's publishing at a private Redis that the test may stop."""
    monkeypatch.setattr(celery_app.conf, "broker_write_url", private_redis.url)
    # A producer pool made by an earlier test would still publish to the old URL.
    celery_app._after_fork()  # type: ignore[attr-defined]
    yield private_redis
    monkeypatch.undo()
    # Celery keeps its producer pool, made with the URL of the time: let it make a new one.
    celery_app._after_fork()  # type: ignore[attr-defined]


@pytest.fixture
def worker() -> Iterator[None]:
    """A real Celery worker, in a thread, taking tasks from the test Redis."""
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        yield


def wait_for_emails(count: int) -> None:
    """The worker runs in another thread: give it up to ten seconds."""
    for _ in range(200):
        if len(mail.outbox) >= count:
            return
        time.sleep(0.05)


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread (so its own database connection), all released at the
    same moment; what each returned, or the exception it raised, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            outcomes[index] = call()
        except BaseException as error:  # handed back to the test's own thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    executable = shutil.which("redis-server")
    assert executable, "redis-server is missing: run `make test`, which installs it"
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder]
        process = subprocess.Popen(
            [executable, "--port", str(port), *options], stdout=subprocess.DEVNULL
        )
        server = RedisServer(port, process)
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield server
        if process.poll() is None:
            server.stop()
