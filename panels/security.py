"""Strong sign-in: who must still give a second factor, and how attempts are counted."""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_otp import user_has_device

DEMO_EMAIL_DOMAIN = "demo.example.org"


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The email address a sign-in attempt used, in lower case, for django-axes to count."""
    source = credentials if credentials is not None else request.POST
    return str(source.get("username", "")).strip().lower()


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None) -> HttpResponse:
    """The same page whether or not an account has the address: it reveals nothing."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"lockout_minutes": minutes}, status=429)


def is_demo_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Fictional demo users skip the second factor, only while the DEMO setting is on."""
    email = str(getattr(user, "email", ""))
    return bool(settings.DEMO) and email.endswith(f"@{DEMO_EMAIL_DOMAIN}")


def second_factor_done(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_verified()) or is_demo_user(user)  # type: ignore[union-attr]


def has_second_factor(user: AbstractBaseUser) -> bool:
    return bool(user_has_device(user, confirmed=True))
