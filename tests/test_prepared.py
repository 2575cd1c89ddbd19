"""Queries compiled once and run again on every request (issue 18): the same rows as the ORM's
query set, for the signed-in person, their session and their second factor."""

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.prepared import PreparedQuery
from cmr_portal.kernel.sessions import SessionStore
from panels.access import grant, granted, revoke
from panels.backends import SIGNED_IN
from panels.middleware import DEVICES
from panels.models import Panel, SbniRole, User, role_field
from tests.conftest import Personas, sign_in

pytestmark = pytest.mark.django_db


def test_the_signed_in_person_is_read_as_the_orm_reads_them(personas: Personas) -> None:
    Notification.objects.create(recipient=personas.sbni_officer, message="Fictional")
    Notification.objects.create(
        recipient=personas.sbni_officer, message="Fictional, read", read_at=timezone.now()
    )
    for person in [personas.sbni_officer, personas.sbni_chair, personas.belfast_member]:
        prepared = SIGNED_IN.first(person.pk)
        expected = User.objects.for_requests().get(pk=person.pk)
        assert isinstance(prepared, User)
        assert prepared.pk == person.pk
        assert prepared.email == person.email
        unread = "unread_notifications"
        assert getattr(prepared, unread) == getattr(expected, unread)
        for role in SbniRole:
            assert getattr(prepared, role_field(role)) == getattr(expected, role_field(role))
    officer = SIGNED_IN.first(personas.sbni_officer.pk)
    assert officer is not None
    assert getattr(officer, "unread_notifications") == 1  # noqa: B009
    assert officer.has_sbni_role(SbniRole.SBNI_OFFICER)
    assert SIGNED_IN.first(999_999_999) is None


def test_a_query_that_does_not_use_its_value_is_refused(personas: Personas) -> None:
    unused = PreparedQuery(User, lambda pk: User.objects.filter(is_active=True))
    with pytest.raises(ValueError, match="exactly once"):
        unused.first(personas.admin.pk)


def test_a_session_is_read_until_it_expires(personas: Personas) -> None:
    store = SessionStore()
    store["kept"] = "fictional"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"kept": "fictional"}
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None


def test_the_second_factor_is_read_from_the_session(client: Client, personas: Personas) -> None:
    sign_in(client, personas.belfast_member)
    assert client.get("/").status_code == 200  # the second factor is done: the home page

    session = client.session
    codes = StaticDevice.objects.create(user=personas.belfast_member, name="Recovery codes")
    session[DEVICE_ID_SESSION_KEY] = codes.persistent_id
    session.save()
    assert DEVICES[StaticDevice.model_label()].first(codes.pk) == codes
    assert client.get("/").status_code == 200  # recovery codes are a second factor too

    for kept in ["otp_email.emaildevice/1", "otp_totp.totpdevice/x", "nonsense", "/"]:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = kept
        session.save()
        response = client.get("/")
        assert response.status_code == 302, kept  # no device read: asked for the second factor
        assert response["Location"].startswith("/two-factor/verify/")


def test_a_persons_grants_come_with_them(
    personas: Personas, django_assert_num_queries: Callable[..., AbstractContextManager[object]]
) -> None:
    member = SIGNED_IN.first(personas.belfast_member.pk)
    assert member is not None
    with django_assert_num_queries(0):
        assert granted(member, "panels.view_panel_cases", Panel) == [personas.belfast.pk]
        assert member.has_perm("panels.log_referral", personas.belfast)
        assert not member.has_perm("panels.log_referral", personas.western)
    # Granted or revoked during the request: read again, not from what came with the person.
    grant(member, "panels.view_panel_cases", personas.western)
    assert granted(member, "panels.view_panel_cases", Panel) == sorted(
        [personas.belfast.pk, personas.western.pk]
    )
    revoke(member, "panels.view_panel_cases", personas.belfast)
    assert granted(member, "panels.view_panel_cases", Panel) == [personas.western.pk]
    # Someone who holds nothing: nothing, without a query either.
    officer = SIGNED_IN.first(personas.sbni_officer.pk)
    assert officer is not None
    with django_assert_num_queries(0):
        assert granted(officer, "panels.view_panel_cases", Panel) == []
