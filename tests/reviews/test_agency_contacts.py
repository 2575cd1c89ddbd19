"""The agency report request offers each agency's own contacts: grouped by agency without
JavaScript (the browser journey checks the list that follows the agency with it), and the server
refuses a contact of another agency, keeping what was typed."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client

from panels.models import Agency, User
from reviews.models import AgencyReport, Review
from tests.conftest import Personas, sign_in
from tests.factories import UserFactory
from tests.referrals.test_referral_pages import date_fields
from tests.reviews import flow


@pytest.fixture
def review(personas: Personas) -> Review:
    return flow.with_team(personas)


def url(review: Review) -> str:
    return f"/reviews/{review.uuid}/agency-reports/"


def test_contacts_are_grouped_under_their_agency(personas: Personas, review: Review) -> None:
    ea = Agency.objects.get(short_name="EA")
    UserFactory.create(agency=ea, full_name="Una Fictional")
    UserFactory.create(agency=ea, full_name="Gone Fictional", is_active=False)
    retired = Agency.objects.create(name="A retired agency (fictional)", active=False)
    UserFactory.create(agency=retired, full_name="Retired Fictional")
    page = sign_in(Client(), personas.lead_reviewer).get(url(review)).content.decode()
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page, re.S))
    assert set(groups) == {"Police Service of Northern Ireland", "Education Authority"}
    assert personas.agency_contact.full_name in groups["Police Service of Northern Ireland"]
    assert "Una Fictional" in groups["Education Authority"]
    assert "Una Fictional" not in groups["Police Service of Northern Ireland"]
    assert "Gone Fictional" not in page
    assert "Retired Fictional" not in page
    psni = Agency.objects.get(short_name="PSNI")
    assert f'data-agency="{psni.pk}"' in groups["Police Service of Northern Ireland"]
    assert 'data-contacts-of="id_agency"' in page
    assert "js/agency-contacts" in page  # the list follows the agency where scripts run
    assert "<script>" not in page  # no inline script: the CSP refuses it


def test_a_contact_of_another_agency_is_refused_and_nothing_typed_is_lost(
    personas: Personas, review: Review
) -> None:
    lead = sign_in(Client(), personas.lead_reviewer)
    ea = Agency.objects.get(short_name="EA")
    typed = {
        "agency": ea.pk,
        "contact": personas.agency_contact.pk,  # a PSNI contact
        "asked": "Your report and chronology (fictional).",
        **date_fields("due_date", flow.TODAY + datetime.timedelta(days=15)),
    }
    page = lead.post(url(review), typed).content.decode()
    assert "Select a contact who works for Education Authority" in page
    assert "Your report and chronology (fictional)." in page
    assert re.search(rf'<option value="{ea.pk}"[^>]*selected', page)
    assert not AgencyReport.objects.exists()
    psni = Agency.objects.get(short_name="PSNI")
    assert lead.post(url(review), typed | {"agency": psni.pk}).status_code == 302
    assert AgencyReport.objects.get().contact == personas.agency_contact


@pytest.mark.django_db
def test_the_demo_has_a_contact_for_the_agencies_of_the_journeys() -> None:
    call_command("load_demo_data", verbosity=0)
    for name in ("Police Service of Northern Ireland", "Education Authority"):
        assert User.objects.filter(agency__name=name, is_active=True).exists(), name
