"""HTTP hardening (issue 15, item 8, and item 10's request kinds): nothing kept in a browser's
cache, a strict Content-Security-Policy on every page, the client's address behind trusted
proxies, and requests that cannot be read refused with a 400 page, never a 500."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.client import client_address
from panels.models import User
from referrals import services
from tests import files
from tests.conftest import Personas, sign_in

PAGES = {
    "sign-in page": ("/sign-in/", None),
    "home page": ("/", "belfast_member"),
    "list": ("/referrals/?q=fictional", "sbni_officer"),
    "form": ("/referrals/start/", "belfast_member"),
    "missing page": ("/no-such-page/", "belfast_member"),
    "admin site": ("/admin/", "admin"),
    "bad request": ("/referrals/?q=%FF", "belfast_member"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=list(PAGES))
def test_every_kind_of_page_is_not_stored_and_has_a_strict_policy(
    personas: Personas, page: str
) -> None:
    url, persona = PAGES[page]
    client = Client()
    if persona:
        sign_in(client, getattr(personas, persona))
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]
    policy = {
        name: value
        for name, _, value in (
            part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";")
        )
    }
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "<script>" not in response.content.decode()  # no inline script anywhere
    assert " style=" not in response.content.decode()


@pytest.mark.django_db
def test_downloads_and_pdfs_are_not_stored(personas: Personas) -> None:
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    attached = services.add_document(
        draft, files.upload("a.pdf", files.PDF), description="", by=personas.belfast_member
    )
    client = sign_in(Client(), personas.belfast_member)
    for url in (
        f"/referrals/{draft.uuid}/documents/{attached.uuid}/",
        f"/referrals/{draft.uuid}/export/summary.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        ("192.0.2.10", "", [], "192.0.2.10"),
        # A header anyone can send is ignored unless it came through a trusted proxy.
        ("192.0.2.10", "198.51.100.7", [], "192.0.2.10"),
        ("10.0.0.2", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        # The client wrote an address of its own first: the right-most untrusted one counts.
        ("10.0.0.2", "203.0.113.66, 198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        # Two proxies, both trusted.
        ("10.0.0.2", "198.51.100.7, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, 172.16.0.4", ["10.0.0.2", "172.16.0.0/12"], "198.51.100.7"),
        # Nonsense from a client stops the walk at the proxy that passed it on.
        ("10.0.0.2", "not-an-address", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    ],
)
def test_the_client_address_is_read_past_trusted_proxies_only(
    rf: RequestFactory,
    settings: Settings,
    remote: str,
    forwarded: str,
    trusted: list[str],
    client: str,
) -> None:
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client


@pytest.mark.django_db
def test_audit_and_lockout_record_the_client_behind_the_proxy(
    personas: Personas, user: User, settings: Settings
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    behind: dict[str, Any] = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    member = sign_in(Client(**behind), personas.belfast_member)
    assert member.get(f"/referrals/{draft.uuid}/").status_code == 200
    viewed = AuditEvent.objects.filter(action="referral.viewed").latest("id")
    assert viewed.ip_address == "198.51.100.7"
    Client(**behind).post("/sign-in/", {"username": user.email, "password": "wrong"})
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_control_characters_are_taken_out_of_what_is_sent(personas: Personas) -> None:
    client = sign_in(Client(), personas.sbni_officer)
    assert client.get("/referrals/?q=%00").status_code == 200
    member = sign_in(Client(), personas.belfast_member)
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    response = member.post(
        f"/referrals/{draft.uuid}/child/",
        {"child_initials": "A\x00B", "child_trust_reference": "FICT\x07-1\x00"},
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert "\x00" not in draft.child_initials
    assert "\x07" not in draft.child_trust_reference


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"q=caf%E9", "application/x-www-form-urlencoded", "not UTF-8 text"),
        (b"q=caf\xe9", "application/x-www-form-urlencoded", "not UTF-8 text"),
        (b"q=fictional", "application/x-www-form-urlencoded; charset=latin-1", "UTF-8"),
        # (The test client encodes a text body in the character set named.)
        ("q=fictional", "application/x-www-form-urlencoded; charset=utf-16", "UTF-8"),
    ],
)
def test_a_form_that_is_not_utf8_is_refused_with_a_400_page(
    personas: Personas, body: bytes | str, content_type: str, reason: str
) -> None:
    client = sign_in(Client(), personas.belfast_member)
    response = client.post("/referrals/start/", body, content_type=content_type)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "Sorry, what was sent could not be read" in response.content.decode()


@pytest.mark.django_db
def test_an_address_that_is_not_utf8_is_refused(personas: Personas) -> None:
    response = sign_in(Client(), personas.belfast_member).get("/referrals/?q=%FF%FE")
    assert response.status_code == 400
    assert "The address has characters that are not UTF-8 text" in response.content.decode()
