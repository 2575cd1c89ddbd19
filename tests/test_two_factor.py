"""Every user needs a second factor: enrolment with a QR code, codes, recovery codes."""

import re

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import User
from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD, current_code, verified_device


@pytest.fixture(autouse=True)
def no_wait_after_a_wrong_code(settings: Settings) -> None:
    """django-otp makes a device wait after a wrong code; these tests try again at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in_with_password(client: Client, user: User, next_url: str = "/panels/") -> None:
    response = client.post(
        f"/sign-in/?next={next_url}", {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/", "/panels/", "/admin/", "/panels/BEL/"])
def test_without_a_device_every_page_leads_to_enrolment(
    client: Client, user: User, url: str
) -> None:
    sign_in_with_password(client, user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/set-up/?next=")


def test_enrolment_with_the_app_code_then_recovery_codes_shown_once(
    client: Client, user: User
) -> None:
    sign_in_with_password(client, user)
    page = client.get("/two-factor/set-up/?next=/panels/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post("/two-factor/set-up/", {"code": "000000", "next": "/panels/"})
    assert "The code is not right" in wrong.text
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post("/two-factor/set-up/", {"code": current_code(device), "next": "/panels/"})
    assert done["Location"] == "/two-factor/recovery-codes/?next=/panels/"
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    again = client.get("/two-factor/recovery-codes/?next=/panels/")
    assert again.status_code == 302  # shown once only
    assert client.get("/panels/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enrolled", actor=user).exists()


def test_a_returning_user_gives_the_code_from_the_app(client: Client, user: User) -> None:
    device = verified_device(user)
    sign_in_with_password(client, user)
    assert client.get("/panels/")["Location"].startswith("/two-factor/verify/?next=")
    assert client.get("/two-factor/set-up/")["Location"] == "/two-factor/verify/"

    wrong = client.post("/two-factor/verify/", {"code": "123456", "next": "/panels/"})
    assert "The code is not right" in wrong.text
    assert client.get("/panels/").status_code == 302

    right = client.post("/two-factor/verify/", {"code": current_code(device), "next": "/panels/"})
    assert right["Location"] == "/panels/"
    assert client.get("/panels/").status_code == 200


def test_a_recovery_code_works_once(client: Client, user: User) -> None:
    verified_device(user)
    sign_in(client, user)
    from panels.views import create_recovery_codes

    code = create_recovery_codes(user)[0]
    client.logout()
    sign_in_with_password(client, user)
    used = client.post("/two-factor/verify/", {"code": code, "next": "/panels/"})
    assert used["Location"] == "/panels/"
    assert AuditEvent.objects.filter(action="user.recovery_code_used").count() == 1
    client.logout()
    sign_in_with_password(client, user)
    reused = client.post("/two-factor/verify/", {"code": code, "next": "/panels/"})
    assert reused.status_code == 200
    assert "The code is not right" in reused.text


def test_the_next_address_cannot_leave_the_portal(client: Client, user: User) -> None:
    device = verified_device(user)
    sign_in_with_password(client, user)
    response = client.post(
        "/two-factor/verify/", {"code": current_code(device), "next": "https://evil.example.org/"}
    )
    assert response["Location"] == "/"


def test_an_unverified_user_can_still_sign_out(client: Client, user: User) -> None:
    sign_in_with_password(client, user)
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/two-factor/set-up/")["Location"].startswith("/sign-in/")


def test_demo_users_skip_the_second_factor_only_when_demo_is_on(client: Client, db: None) -> None:
    demo = User.objects.create_user(
        "belfast.member@demo.example.org", TEST_PASSWORD, full_name="Demo (fictional)"
    )
    sign_in_with_password(client, demo)
    assert client.get("/panels/").status_code == 302
    with override_settings(DEMO=True):
        assert client.get("/panels/").status_code == 200
    outsider = User.objects.create_user(
        "someone@test.example.org", TEST_PASSWORD, full_name="Not demo (fictional)"
    )
    client.logout()
    sign_in_with_password(client, outsider)
    with override_settings(DEMO=True):
        assert client.get("/panels/").status_code == 302


def test_after_wrong_codes_the_page_says_to_wait(
    client: Client, user: User, settings: Settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = verified_device(user)
    sign_in_with_password(client, user)
    client.post("/two-factor/verify/", {"code": "000000"})
    code = current_code(device)
    response = client.post("/two-factor/verify/", {"code": code})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.text
    assert f'value="{code}"' in response.text  # what was typed is kept
    assert client.get("/panels/").status_code == 302
