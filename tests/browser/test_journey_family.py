"""The family's part in Chromium (issue 19, item 3): the lead reviewer adds the mother and the
grandfather to the family liaison plan, logs a contact for their contribution, drafts the family's
views as they type, shares the draft report, logs the response and the date of publication told,
with axe on every page. Family members by role only; everything fictional."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Accessibility, fill_date, shoot, sign_in
from tests.conftest import Personas
from tests.reviews import flow

TODAY = datetime.date.today()


def record_contact(
    page: Page,
    axe: Accessibility,
    *,
    days_ago: int,
    members: list[str],
    method: str,
    purpose: str,
    wishes: str = "",
) -> None:
    """From the family page: record a contact, and come back to the family page."""
    page.get_by_role("link", name="Record a contact").click()
    axe.check(page)
    fill_date(page, "date", TODAY - datetime.timedelta(days=days_ago))
    for member in members:
        page.get_by_label(member, exact=True).check()
    page.get_by_label(method, exact=True).check()
    page.get_by_label(purpose, exact=True).check()
    page.fill("[name=shared]", f"Fictional: {purpose.lower()}.")
    page.fill("[name=wishes]", wishes)
    page.get_by_role("button", name="Record the contact").click()
    expect(page.locator("main")).to_contain_text("The contact is recorded.")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_family_s_part_is_recorded_in_the_browser(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
) -> None:
    base = live_server.url
    review = flow.with_team(personas)
    workspace = f"{base}/reviews/{review.uuid}/"
    lead = new_page()
    sign_in(lead, base, personas.lead_reviewer)
    lead.goto(workspace)
    lead.get_by_role("link", name="Family liaison").click()
    expect(lead.locator("h1")).to_have_text("The family's part")
    axe.check(lead)

    for role, qualifier, participation in (
        ("Mother", "", "Taking part"),
        ("Grandfather", "maternal", "Invited"),
    ):
        lead.get_by_role("link", name="Add a family member").click()
        axe.check(lead)
        lead.select_option("[name=role]", label=role)
        lead.fill("[name=qualifier]", qualifier)
        lead.get_by_label(participation, exact=True).check()
        lead.select_option("[name=contact]", label=personas.lead_reviewer.full_name)
        lead.fill("[name=arrangements]", "Fictional: a meeting at home, in the mornings.")
        lead.get_by_role("button", name="Add to the plan").click()
        expect(lead.locator("main")).to_contain_text("is on the plan.")
    expect(lead.locator("main")).to_contain_text("Grandfather (maternal)")

    # Not to be contacted needs a reason: the form says so, and keeps what was typed.
    lead.get_by_role("link", name="Change the plan for Grandfather (maternal)").click()
    axe.check(lead)
    lead.get_by_label("Not to be contacted", exact=True).check()
    lead.get_by_role("button", name="Save the changes").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text(
        "Say why the family member is not to be contacted"
    )
    axe.check(lead)
    lead.get_by_role("link", name="Back to the family's part").click()

    record_contact(
        lead,
        axe,
        days_ago=20,
        members=["Mother", "Grandfather (maternal)"],
        method="Meeting",
        purpose="Their contribution",
        wishes="Fictional: they want the review to hear how often they asked for help.",
    )

    lead.goto(f"{workspace}findings/family_views/")
    expect(lead.locator("h1")).to_contain_text("The family's views")
    axe.check(lead)
    lead.fill("#section-text", "The mother and the grandfather asked for help often (fictional).")
    expect(lead.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    lead.goto(f"{workspace}family/")

    both, mother = ["Mother", "Grandfather (maternal)"], ["Mother"]
    response = "Fictional: the report should say the school was told."
    for days_ago, members, method, purpose, wishes in (
        (10, both, "Letter", "The draft report shared", ""),
        (5, mother, "Phone", "Their response to the draft", response),
        (1, mother, "Phone", "Told the date of publication", ""),
    ):
        record_contact(
            lead,
            axe,
            days_ago=days_ago,
            members=members,
            method=method,
            purpose=purpose,
            wishes=wishes,
        )
    main = lead.locator("main")
    shared = TODAY - datetime.timedelta(days=10)
    expect(main).to_contain_text(f"Shared on {shared.day} {shared:%B %Y}")
    expect(main).to_contain_text("the report should say the school was told")
    expect(main).to_contain_text("The family was told the date of publication")
    expect(main).to_contain_text("4 contacts")
    axe.check(lead)
    shoot(lead, "family")
