"""A real SMTP server on loopback (aiosmtpd) that a test may stop, make refuse, or slow down."""

import asyncio
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_django.fixtures import Settings

from tests.conftest import free_port


class MailServer:
    """``received`` holds the subject of each message accepted. ``refusing`` answers every
    message "451 try again later"; ``delay`` (seconds) slows each reply after the greeting."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[str] = []
        self.refusing = False
        self.delay = 0.0
        self.sessions = 0  # MAIL commands seen
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.sessions += 1
        await asyncio.sleep(self.delay)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        if self.refusing:
            return "451 4.3.0 Try again later (a fictional outage)"
        self.received.append(
            str(message_from_bytes(envelope.original_content, policy=policy.default)["Subject"])
        )
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return "221 Bye"


@pytest.fixture
def mail_server(settings: Settings) -> Iterator[MailServer]:
    """The portal's emails go to a real SMTP server on loopback; it starts accepting."""
    server = MailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()
