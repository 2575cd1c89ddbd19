"""Fixtures shared by every test: the real PostgreSQL and Redis, fictional people."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from pytest_django.fixtures import Settings

from panels.models import User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Hashing at full strength costs seconds per user; what it protects is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db: None) -> User:
    person: User = UserFactory.create()
    return person


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
