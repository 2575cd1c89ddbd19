"""What the benchmarks and the load test share: fictional records, made inside a transaction
they roll back, and fictional people signed in as the sign-in pages would leave them."""

import time
import uuid
from importlib import import_module

from django.conf import settings
from django.contrib.auth import load_backend, login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from panels.access import grant
from panels.middleware import LAST_SEEN, SIGNED_IN_AT
from panels.models import Agency, Panel, User
from referrals.models import Decision, Outcome, Referral
from reviews.models import FindingSection, Review, ReviewMember, ReviewRecommendation
from reviews.services import ROLE_PERMISSIONS

DEVICE_NAME = "Authenticator app (benchmark, fictional)"


def session_store() -> type[SessionBase]:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def signing_in_backend() -> str:
    """The first backend that reads the signed-in person back, as ``Client.force_login`` takes:
    the one a password sign-in ends with (django-axes's comes first, but only counts attempts)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if hasattr(load_backend(path), "get_user"):
            return path
    raise LookupError("No authentication backend reads the signed-in person back.")


def signed_in_session(user: User) -> str:
    """A new session for the user, as the sign-in and verify pages leave it (as
    ``Client.force_login`` and tests/conftest.py ``sign_in`` do): signed in, the second factor
    given with a confirmed authenticator app, just now. Its key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    request = HttpRequest()
    request.session = session_store()()
    login(request, user, backend=signing_in_backend())
    now = time.time()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session.save()
    key = request.session.session_key
    assert key is not None
    return key


class Rollback(Exception):
    """Raised at the end of a benchmark to roll its data back."""


def fictional_review(stage: str = Review.Stage.FOLLOW_UP) -> ReviewRecommendation:
    """A fictional review with its lead (holding the lead's permissions on it, as
    ``reviews.services.appoint`` grants them) and an agency contact, and one recommendation: what
    the benchmarks fill with data. Call it inside a transaction that is rolled back, or on a
    database kept for benchmarks."""
    stamp = uuid.uuid4().hex[:8]
    panel = Panel.objects.get(code="BEL")
    agency = Agency.objects.get(short_name="PSNI")
    lead = User.objects.create(
        email=f"benchmark.lead.{stamp}@benchmark.invalid",
        full_name="Benchmark lead (fictional)",
    )
    User.objects.create(
        email=f"benchmark.agency.{stamp}@benchmark.invalid",
        full_name="Benchmark agency contact (fictional)",
        agency=agency,
    )
    referral = Referral.objects.create(
        panel=panel,
        reference=f"BENCH-{stamp}",
        status=Referral.Status.DECIDED,
        created_by=lead,
        submitted_at=timezone.now(),
    )
    decision = Decision.objects.create(
        referral=referral, outcome=Outcome.CMR_17_2, reasons="Fictional", decided_by=lead
    )
    review = Review.objects.create(
        reference=f"CMR-BENCH-{stamp}",
        referral=referral,
        decision=decision,
        route=Review.Route.ROUTE_17_2,
        stage=stage,
        opened_by=lead,
    )
    ReviewMember.objects.create(
        review=review, user=lead, role=ReviewMember.Role.LEAD, appointed_by=lead
    )
    for permission in ROLE_PERMISSIONS[ReviewMember.Role.LEAD]:
        grant(lead, f"reviews.{permission}", review)
    FindingSection.objects.bulk_create(
        FindingSection(review=review, key=key) for key in FindingSection.Key
    )
    return ReviewRecommendation.objects.create(
        review=review, number=1, text="Fictional", created_by=lead
    )
