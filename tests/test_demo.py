"""`make run` loads fictional demo users idempotently; each can sign in with the demo password."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from cmr_portal.tooling.demo import DEMO_TRUST_REFERENCE, NAMED_PERSONAS, PERSONAS
from panels.models import User
from panels.security import DEMO_EMAIL_DOMAIN
from referrals.models import Meeting, Referral
from reviews.models import Review
from tests.conftest import sign_in


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo_data")
    call_command("load_demo_data")
    demo_users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    assert demo_users.count() == len(PERSONAS)
    assert all("fictional" in user.organisation for user in demo_users)
    printed = capsys.readouterr().out
    assert "fictional people" in printed
    assert f"Password for every demo user: {settings.DEMO_PASSWORD}" in printed
    for persona in PERSONAS:
        assert persona.email in printed
    demo_referrals = Referral.objects.filter(child_trust_reference=DEMO_TRUST_REFERENCE)
    assert sorted(demo_referrals.values_list("status", flat=True)) == [
        "decided",
        "draft",
        "under_consideration",
    ]
    waiting = Meeting.objects.get(place__startswith="SBNI offices").items.get()
    assert waiting.referral.child_initials == "MK"
    review = Review.objects.get()
    assert set(review.team.values_list("role", flat=True)) == {"lead", "reviewer"}


@pytest.mark.django_db
@override_settings(DEMO=True)
def test_a_demo_user_can_sign_in_without_a_second_factor_in_the_demo(client: Client) -> None:
    call_command("load_demo_data")
    response = client.post(
        "/sign-in/",
        {"username": "belfast.member@demo.example.org", "password": settings.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_only_the_admin_persona_reaches_the_admin_site(client: Client) -> None:
    call_command("load_demo_data")
    admin = User.objects.get(email=f"admin@{DEMO_EMAIL_DOMAIN}")
    member = User.objects.get(email=f"belfast.member@{DEMO_EMAIL_DOMAIN}")
    sign_in(client, admin)
    assert client.get("/admin/").status_code == 200
    sign_in(client, member)
    assert client.get("/admin/").status_code == 404


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_production_refuses_to_load_demo_data() -> None:
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data")
    assert not User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()


@pytest.mark.django_db
def test_the_short_sign_ins_name_each_main_persona_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo_data", short=True)
    printed = capsys.readouterr().out
    assert f"password {settings.DEMO_PASSWORD}:" in printed
    for persona in NAMED_PERSONAS:
        assert printed.count(f"  {persona.email} ") == 1
    panel_staff = [persona.email for persona in PERSONAS if persona not in NAMED_PERSONAS]
    assert [email for email in panel_staff if email in printed] == [panel_staff[0]]
    assert len(printed.splitlines()) == len(NAMED_PERSONAS) + 2
