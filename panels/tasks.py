"""Emails about people's accounts, sent by a worker after the answer to the request."""

import smtplib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from panels.models import Panel, User

EMAIL_FAILURES = (OSError, smtplib.SMTPException)


class ResetLinks(PasswordResetForm):
    """Django's email with a link to choose a password, to every active account with the address,
    including one invited and never signed in (Django's own skips accounts with no password)."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(User.objects.filter(email__iexact=email, is_active=True))


@shared_task(autoretry_for=EMAIL_FAILURES, retry_backoff=60, retry_backoff_max=3600, max_retries=5)
def send_password_reset(email: str) -> None:
    """Email a link to choose a password to every active account with ``email``; nothing to an
    address that has none. Retried for about an hour while the mail server refuses."""
    links = ResetLinks(data={"email": email})
    if links.is_valid():
        site = urlsplit(settings.SITE_URL)
        links.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        )


@shared_task(autoretry_for=EMAIL_FAILURES, retry_backoff=60, retry_backoff_max=3600, max_retries=5)
def send_invitation(user_pk: int, panel_pk: int, set_password: bool) -> None:
    """Email someone added to a panel: the panel's name and a link (to choose a password, for a
    new account), nothing about any case. Retried like the reset link."""
    user = User.objects.get(pk=user_pk)
    panel = Panel.objects.get(pk=panel_pk)
    link = settings.SITE_URL + reverse("login")
    if set_password:
        link = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    body = render_to_string(
        "panels/invitation_email.txt",
        {"user": user, "panel": panel, "link": link, "set_password": set_password},
    )
    send_mail(
        "You have been added to a panel on the Case Management Review portal",
        body,
        None,
        [user.email],
    )
