"""The notifications tests share a real SMTP server on loopback."""

from tests.notifications.mail_server import mail_server

__all__ = ["mail_server"]
