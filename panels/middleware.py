"""Session lifetime and two-factor enforcement for every signed-in request."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cmr_portal.kernel.prepared import PreparedQuery
from panels.security import has_second_factor, second_factor_done

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# Saving the session on every request costs a write; a minute's precision is enough.
LAST_SEEN_PRECISION = 60


class SessionLifetimeMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT idle, or SESSION_ABSOLUTE_LIFETIME after signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.setdefault(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                self._sign_out(request, "You were signed out because you were inactive.")
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                self._sign_out(
                    request, "You were signed out because your session reached its limit."
                )
            elif now - last_seen > LAST_SEEN_PRECISION:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, reason: str) -> None:
        logout(request)
        messages.info(request, f"{reason} Sign in again to continue.")


# The second factor a session was verified with, read on every request: compiled once.
DEVICES = {
    model.model_label(): PreparedQuery(model, lambda pk, model=model: model.objects.filter(pk=pk))
    for model in (TOTPDevice, StaticDevice)
}


class SecondFactorMiddleware(OTPMiddleware):  # type: ignore[misc]  # django-otp is untyped
    """django-otp's middleware (``request.user.is_verified()``), reading the session's device
    with a query compiled once (``DEVICES``) rather than built again on every request. A
    persistent id of any other kind, or not of the form ``app.model/id``, reads no device."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        query = DEVICES.get(label)
        return query.first(int(device_id)) if query and device_id.isdigit() else None


class RequireTwoFactorMiddleware:
    """A signed-in user without a verified second factor reaches only enrolment and sign-out."""

    OPEN = frozenset(
        {"two_factor_setup", "two_factor_verify", "two_factor_recovery_codes", "logout"}
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or second_factor_done(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN:
            return None
        if not getattr(view_func, "login_required", True):  # open pages: sign-in, health
            return None
        target = "two_factor_verify" if has_second_factor(request.user) else "two_factor_setup"
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
