"""Superusers and model-wide permissions see no case (issue 15, item 1).

The access test (tests/test_access.py) asks every URL of both personas; these tests show the
lists they get are empty, that the portal's own checks ignore both, and that production warns
while a superuser exists."""

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from panels.access import holds, objects_for
from panels.models import Panel
from reviews.models import Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow as review_flow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_superuser_and_model_wide_grants_hold_nothing_on_a_case(personas: Personas) -> None:
    review = review_flow.drafted(personas)
    for persona in (personas.superuser, personas.all_permissions):
        assert persona.has_perm("reviews.see_review")  # the admin's model permission...
        assert not persona.has_perm("reviews.see_review", review)  # ...is not this review's
        assert not holds(persona, "reviews.draft_review", review)
        assert not objects_for(persona, "reviews.see_review", Review).exists()
        assert not Panel.objects.visible_to(persona).exists()
    assert holds(personas.lead_reviewer, "reviews.lead_review", review)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["superuser", "all_permissions"])
def test_their_lists_are_empty(personas: Personas, persona: str) -> None:
    review = review_flow.drafted(personas)
    client = sign_in(Client(), getattr(personas, persona))
    reviews = client.get("/reviews/")
    assert reviews.status_code == 200
    assert review.reference not in reviews.content.decode()
    referrals = client.get("/referrals/")
    assert referrals.status_code == 200
    assert review.referral.reference not in referrals.content.decode()
    saved = client.post(
        f"/reviews/{review.uuid}/findings/prevention/autosave/",
        {"text": "Fictional", "base_version": "0"},
    )
    assert saved.status_code == 404


@pytest.mark.django_db
def test_an_inactive_member_holds_nothing(personas: Personas) -> None:
    review = review_flow.drafted(personas)
    personas.lead_reviewer.is_active = False
    personas.lead_reviewer.save()
    personas.lead_reviewer.refresh_from_db()
    assert not holds(personas.lead_reviewer, "reviews.see_review", review)
    assert not objects_for(personas.lead_reviewer, "reviews.see_review", Review).exists()


@pytest.mark.django_db
def test_check_warns_of_superusers_in_production(personas: Personas, settings: Settings) -> None:
    def check() -> str:
        out, err = io.StringIO(), io.StringIO()
        call_command("check", stdout=out, stderr=err)
        return out.getvalue() + err.getvalue()

    assert "panels.W001" not in check()  # development
    settings.PRODUCTION = True
    said = check()
    assert "panels.W001" in said
    assert personas.superuser.email in said
    personas.superuser.is_superuser = False
    personas.superuser.save()
    assert "panels.W001" not in check()


def test_no_code_but_the_admin_and_its_check_reads_is_superuser() -> None:
    """Nothing decides access by ``is_superuser``: only the admin site may read it."""
    allowed = {"panels/admin.py"}
    readers = []
    for package in ("cmr_portal", "panels", "referrals", "reviews"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr == "is_superuser":
                    readers.append(str(path.relative_to(ROOT)))
    assert set(readers) <= allowed, sorted(set(readers) - allowed)
