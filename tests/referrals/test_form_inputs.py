"""Each question of a referral gets the box its answer needs: an email address an email input,
a short answer a one-line input, only long text a text area with a character count."""

import re

import pytest
from django.db import models
from django.test import Client

from referrals import services
from referrals.forms import SECTIONS, Section
from referrals.models import Referral
from tests.conftest import Personas, sign_in


def section_page(personas: Personas, slug: str) -> str:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    response = sign_in(Client(), personas.belfast_member).get(f"/referrals/{referral.uuid}/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_notifying_officers_email_is_an_email_input(personas: Personas) -> None:
    page = section_page(personas, "notifier")
    email = re.search(r"<input[^>]*name=\"notifier_email\"[^>]*>", page)
    assert email is not None, "no one-line input for the email address"
    assert 'type="email"' in email[0]
    assert 'autocomplete="email"' in email[0]
    assert 'spellcheck="false"' in email[0]
    assert 'name="notifier_email"' not in re.sub(r"<input[^>]*>", "", page)
    phone = re.search(r"<input[^>]*name=\"notifier_phone\"[^>]*>", page)
    assert phone is not None
    assert 'type="tel"' in phone[0]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.slug)
def test_only_long_text_gets_a_text_area(personas: Personas, section: Section) -> None:
    page = section_page(personas, section.slug)
    areas = set(re.findall(r'<textarea[^>]*name="([^"]+)"', page))
    long_text = {
        name
        for name in section.fields
        if isinstance(Referral._meta.get_field(name), models.TextField)
    }
    assert areas == long_text
