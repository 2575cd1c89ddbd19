"""Project-wide pages: the home page, the health check and the server error page."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError

from cmr_portal.celery import app as celery_app
from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.work import merged
from panels.access import signed_in_user
from referrals import work as referral_work
from reviews import work as review_work

logger = logging.getLogger(__name__)


class SignInView(LoginView):
    """Django's sign-in view, recording each successful sign-in in the audit trail."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record(
            "user.signed_in",
            actor=user,
            target=user,
            summary=f"{user} signed in",
            request=self.request,
        )
        return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person's work: the lists of every role they hold (``referrals.work``,
    ``reviews.work``), each list once, most urgent first; notifications stay in their centre."""
    user = signed_in_user(request)
    today = timezone.localdate()
    lists = merged(
        referral_work.panel_work(user, today),
        referral_work.sbni_work(user, today),
        review_work.officer_work(user, today),
        review_work.approval_work(user, today),
        review_work.team_work(user, today),
        review_work.agency_work(user, today),
    )
    return render(
        request,
        "home.html",
        {"lists": lists, "can_start_referral": referral_work.can_start_referral(user)},
    )


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def broker_is_up() -> bool:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0,
                timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
            )
    except (OperationalError, OSError):
        logger.exception("Health check: the broker did not answer")
        return False
    return True


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the Public Sector Bodies (Websites and Mobile Applications)
    (No. 2) Accessibility Regulations 2018 ask of a public body's service, open to everyone. It
    reads nothing but the layout's: the benchmark measures what every request costs on it."""
    return render(request, "accessibility.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer; otherwise 503 naming what failed."""
    checks = {"database": database_is_up(), "broker": broker_is_up()}
    failed = [part for part, up in checks.items() if not up]
    body = {part: ("ok" if up else "unavailable") for part, up in checks.items()}
    return JsonResponse(
        {"status": "unavailable: " + ", ".join(failed) if failed else "ok", **body},
        status=503 if failed else 200,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Render 500.html without the request context, which may be what failed."""
    template = loader.get_template("500.html")
    context = {
        "protective_marking": settings.PROTECTIVE_MARKING,
        "service_name": "Case Management Review portal",
    }
    return HttpResponseServerError(template.render(context))
