"""Forms that help, in Chromium with scripts on: the agency report request offers only the
chosen agency's contacts and follows a change of agency; the page that corrects a chronology
entry is accessible (axe) and saves the correction. The content-security policy refuses any
inline code on the way (new_page watches it)."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from panels.models import Agency
from reviews import services
from tests.browser.conftest import Accessibility, sign_in
from tests.conftest import Personas
from tests.factories import UserFactory
from tests.reviews import flow


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_contact_list_follows_the_agency_and_an_entry_is_corrected(
    new_page: Callable[[], Page], live_server: LiveServer, personas: Personas, axe: Accessibility
) -> None:
    ea = Agency.objects.get(short_name="EA")
    UserFactory.create(
        email="education.contact@test.example.org",
        full_name="Una Fictional",
        job_title="",
        agency=ea,
    )
    review = flow.with_team(personas)
    [entry] = services.add_chronology_entries(
        review,
        [
            {
                "date": flow.TODAY - datetime.timedelta(days=30),
                "agency": Agency.objects.get(short_name="PSNI"),
                "event": "A home visit (fictional).",
                "significance": "relevant",
            }
        ],
        by=personas.reviewer,
        source="typed in",
    )
    workspace = f"{live_server.url}/reviews/{review.uuid}/"
    lead = new_page()
    sign_in(lead, live_server.url, personas.lead_reviewer)

    lead.goto(f"{workspace}agency-reports/")
    contact = lead.locator("[name=contact]")
    expect(contact.locator("option")).to_have_text(["Select the agency first"])
    lead.select_option("[name=agency]", label="Police Service of Northern Ireland")
    police = f"{personas.agency_contact.full_name}, {personas.agency_contact.job_title}"
    expect(contact.locator("option")).to_have_text(["Select a contact", police])
    lead.select_option("[name=contact]", label=police)
    lead.select_option("[name=agency]", label="Education Authority")
    expect(contact.locator("option")).to_have_text(["Select a contact", "Una Fictional"])
    expect(contact).to_have_value("")  # the police contact is not kept for another agency
    lead.select_option("[name=agency]", label="NSPCC")
    expect(contact.locator("option")).to_have_text(["Nobody at this agency has an account yet"])
    axe.check(lead)

    lead.goto(f"{workspace}chronology/")
    lead.get_by_role("link", name="Change the entry of").click()
    axe.check(lead)
    lead.fill("[name=event]", "A home visit by two officers (fictional).")
    lead.get_by_role("button", name="Save the entry").click()
    expect(lead.locator("main")).to_contain_text("The entry has been saved.")
    expect(lead.locator("main")).to_contain_text("A home visit by two officers (fictional).")
    entry.refresh_from_db()
    assert entry.event == "A home visit by two officers (fictional)."
