"""Panel pages, and the two-factor pages every user passes through at sign-in."""

import base64
import io
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.queue import queue_task
from panels import services
from panels.access import signed_in_user
from panels.forms import ChangeRoleForm, InviteMemberForm, ResetPasswordForm, TwoFactorCodeForm
from panels.models import Membership, Panel, User
from panels.security import has_second_factor, second_factor_done
from panels.tasks import send_password_reset

RECOVERY_CODES_SESSION_KEY = "recovery_codes_to_show"


class ResetPasswordView(auth_views.PasswordResetView):
    """Ask for a link to choose a password. The email leaves from a worker after the answer, and
    a known address and an unknown one take the same path, so that neither the time taken nor
    anything else tells whether an account has the address."""

    form_class = ResetPasswordForm
    template_name = "registration/password_reset.html"

    def form_valid(self, form: Any) -> HttpResponse:
        transaction.on_commit(partial(queue_task, send_password_reset, form.cleaned_data["email"]))
        return HttpResponseRedirect(self.get_success_url())


def get_panel_for(user: User, code: str, perm: str = "view_panel_cases") -> Panel:
    """The panel with this code if the user holds ``perm`` on it; 404 if missing or forbidden."""
    panel = Panel.objects.filter(code=code.upper()).first()
    if panel is None or not user.has_perm(f"panels.{perm}", panel):
        raise Http404
    return panel


def get_membership_for(user: User, code: str, membership_uuid: str) -> Membership:
    """A membership of a panel the user manages; 404 otherwise."""
    panel = get_panel_for(user, code, "manage_panel")
    membership = (
        panel.memberships.select_related("user", "panel").filter(uuid=membership_uuid).first()
    )
    if membership is None:
        raise Http404
    return membership


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    memberships = (
        Membership.objects.filter(user=user, panel__in=Panel.objects.visible_to(user))
        .select_related("panel")
        .order_by("panel__name")
    )
    return render(request, "panels/panel_list.html", {"memberships": memberships})


@require_GET
def panel_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    panel = get_panel_for(user, code)
    memberships = list(panel.memberships.select_related("user").order_by("user__full_name"))
    chair = next((m.user for m in memberships if m.role == Membership.Role.CHAIR), None)
    return render(
        request,
        "panels/panel_detail.html",
        {
            "panel": panel,
            "memberships": memberships,
            "chair": chair,
            "can_manage": user.has_perm("panels.manage_panel", panel),
        },
    )


@require_http_methods(["GET", "POST"])
def invite_member(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    panel = get_panel_for(user, code, "manage_panel")
    form = InviteMemberForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invite_member(
                panel,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                by=user,
                request=request,
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"{membership.user.full_name} is now a {membership.get_role_display().lower()}. "
                "We have emailed them.",
            )
            return redirect(panel)
    return render(request, "panels/invite_member.html", {"panel": panel, "form": form})


@require_http_methods(["GET", "POST"])
def change_role(request: HttpRequest, code: str, membership_uuid: str) -> HttpResponse:
    user = signed_in_user(request)
    membership = get_membership_for(user, code, membership_uuid)
    form = ChangeRoleForm(posted(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.change_role(
                membership, form.cleaned_data["role"], by=user, request=request
            )
        except services.MembershipError as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request,
                f"{membership.user.full_name} is now a {membership.get_role_display().lower()}.",
            )
            return redirect(membership.panel)
    return render(request, "panels/change_role.html", {"membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
def remove_member(request: HttpRequest, code: str, membership_uuid: str) -> HttpResponse:
    user = signed_in_user(request)
    membership = get_membership_for(user, code, membership_uuid)
    if request.method == "POST":
        services.remove_member(membership, by=user, request=request)
        messages.success(
            request, f"{membership.user.full_name} is no longer a member of {membership.panel}."
        )
        return redirect(membership.panel)
    return render(request, "panels/remove_member.html", {"membership": membership})


def throttle_message(device: TOTPDevice | StaticDevice) -> str:
    """After wrong codes, django-otp makes each next try wait longer; say so plainly."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return ""
    until = (details or {}).get("locked_until")
    seconds = max(1, round((until - timezone.now()).total_seconds())) if until else 1
    return f"Too many wrong codes. Wait {seconds} seconds, then enter the code your app shows."


def qr_code_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    write_qrcode_image(text, buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def create_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with a new set and return them, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if has_second_factor(user):
        return redirect("two_factor_verify" if not second_factor_done(request) else "home")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TwoFactorCodeForm(
        posted(request), hint="Enter the 6-digit code your authenticator app shows."
    )
    if request.method == "POST" and form.is_valid():
        if wait := throttle_message(device):
            form.add_error("code", wait)
        elif verify_token(user, device.persistent_id, form.cleaned_data["code"]) is None:
            form.add_error("code", "The code is not right. Enter the code your app shows now.")
        else:
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = create_recovery_codes(user)
                record(
                    "user.two_factor_enrolled",
                    actor=user,
                    target=user,
                    summary=f"{user.email} set up two-factor authentication",
                    request=request,
                )
            otp_login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return HttpResponseRedirect(
                reverse("two_factor_recovery_codes") + "?next=" + safe_next(request, "/")
            )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": safe_next(request, "/"),
        },
    )


@require_GET
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(safe_next(request, "/"))
    return render(
        request,
        "two_factor/recovery_codes.html",
        {"codes": codes, "next": safe_next(request, "/")},
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if second_factor_done(request):
        return redirect(safe_next(request, "/"))
    if not has_second_factor(user):
        return redirect("two_factor_setup")
    form = TwoFactorCodeForm(
        posted(request),
        hint="Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        candidates = list(kind.objects.filter(user=user, confirmed=True))
        device = None
        for candidate in candidates:
            device = verify_token(user, candidate.persistent_id, code)
            if device is not None:
                break
        if device is None:
            waits = [
                message for candidate in candidates if (message := throttle_message(candidate))
            ]
            form.add_error(
                "code", waits[0] if waits else "The code is not right. Check it and try again."
            )
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                record(
                    "user.recovery_code_used",
                    actor=user,
                    target=user,
                    summary=f"{user.email} signed in with a recovery code ({left} left)",
                    request=request,
                )
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left. "
                    "Ask a system administrator to reset your authenticator app if you lost it.",
                )
            return redirect(safe_next(request, "/"))
    return render(
        request, "two_factor/verify.html", {"form": form, "next": safe_next(request, "/")}
    )
