"""Parallel proceedings in Chromium (issue 19, item 2): an SBNI officer records a coroner's
inquest that blocks publication on an approved review; the banner says so on the case's pages;
the sign-off of the publication version is refused, naming the inquest; the inquest is concluded
and the sign-off goes through. Then, on the referral, a police investigation's embargo is lifted
with a reason. Every page is checked with axe. All fictional."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from reviews.models import PUBLICATION_CHECKS
from tests.browser.conftest import Accessibility, fill_date, sign_in
from tests.conftest import Personas
from tests.reviews import flow

TODAY = datetime.date.today()
NO_PUBLICATION = "No publication before the inquest (fictional)."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_inquest_holds_publication_until_it_concludes(
    new_page: Callable[[], Page], live_server: LiveServer, personas: Personas, axe: Accessibility
) -> None:
    base = live_server.url
    review = flow.approved(personas)
    workspace = f"{base}/reviews/{review.uuid}/"
    officer = new_page()
    sign_in(officer, base, personas.sbni_officer)
    officer.goto(workspace)
    officer.get_by_role("link", name="Parallel proceedings").click()
    expect(officer.locator("h1")).to_have_text("Parallel proceedings")
    axe.check(officer)

    officer.get_by_label("Coroner's inquest").check()
    officer.get_by_label("Under way").check()
    fill_date(officer, "started_on", TODAY - datetime.timedelta(days=40))
    fill_date(officer, "next_date", TODAY + datetime.timedelta(days=60))
    officer.fill("[name=next_date_what]", "Inquest hearing")
    officer.fill("[name=contact_role]", "Coroner's liaison officer")
    officer.fill("[name=contact_organisation]", "Coroners Service for Northern Ireland")
    officer.fill("[name=constraints]", NO_PUBLICATION)
    officer.get_by_label("No publication while this is open").check()
    officer.get_by_role("button", name="Add the proceeding").click()
    expect(officer.locator("main")).to_contain_text("Coroner's inquest: recorded.")
    banner = officer.locator("#proceedings-banner-title").locator("xpath=../..")
    expect(banner).to_contain_text("A related process is open")
    expect(banner).to_contain_text(NO_PUBLICATION)
    axe.check(officer)

    officer.goto(workspace)
    expect(officer.locator("main")).to_contain_text("No publication while it is open.")
    officer.get_by_role("link", name="Publication version, anonymised").click()
    expect(officer.locator("#embargo")).to_contain_text("the coroner's inquest")
    axe.check(officer)
    for key, _ in PUBLICATION_CHECKS:
        officer.check(f"[name=checks][value={key}]")
    officer.get_by_role("button", name="Sign off for publication").click()
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "Publication is held while this is open: the coroner's inquest"
    )
    axe.check(officer)

    officer.get_by_role("link", name="The proceedings of this case").first.click()
    officer.get_by_role("link", name="Coroner's inquest").click()
    expect(officer.locator("h1")).to_have_text("Coroner's inquest")
    axe.check(officer)
    officer.get_by_label("Concluded", exact=True).check()
    fill_date(officer, "concluded_on", TODAY + datetime.timedelta(days=2))
    officer.get_by_role("button", name="Save the changes").click()
    # A date in the future and no outcome: refused in plain words, nothing typed lost.
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "The date it concluded must be today or in the past"
    )
    expect(officer.locator(".govuk-error-summary")).to_contain_text("Enter the outcome")
    expect(officer.locator("[name=constraints]")).to_have_value(NO_PUBLICATION)
    axe.check(officer)
    fill_date(officer, "concluded_on", TODAY)
    officer.fill("[name=outcome]", "The inquest returned its findings (fictional).")
    officer.get_by_role("button", name="Save the changes").click()
    expect(officer.locator("main")).to_contain_text("Coroner's inquest: concluded.")
    expect(officer.locator("#proceedings-banner-title")).to_have_count(0)

    officer.goto(f"{workspace}publication/")
    expect(officer.locator("#embargo")).to_have_count(0)
    for key, _ in PUBLICATION_CHECKS:
        officer.check(f"[name=checks][value={key}]")
    officer.get_by_role("button", name="Sign off for publication").click()
    expect(officer.locator("main")).to_contain_text("The publication version is signed off.")
    axe.check(officer)

    # On the referral: a police investigation holding publication, its embargo lifted.
    referral = f"{base}/referrals/{review.referral.uuid}/"
    officer.goto(referral)
    officer.get_by_role("link", name="Parallel proceedings").click()
    officer.get_by_label("Police investigation").check()
    officer.get_by_label("Awaiting an outcome").check()
    officer.get_by_label("No publication while this is open").check()
    officer.get_by_label("Share it with the referring panel").check()
    officer.get_by_role("button", name="Add the proceeding").click()
    expect(officer.locator("main")).to_contain_text("Police investigation: recorded.")
    officer.get_by_role("link", name="Police investigation").click()
    officer.get_by_role("link", name="Lift the publication embargo").click()
    axe.check(officer)
    officer.get_by_role("button", name="Lift the embargo").click()
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for lifting the embargo"
    )
    officer.fill("[name=reason]", "The PSNI agreed to publication (fictional).")
    officer.get_by_role("button", name="Lift the embargo").click()
    expect(officer.locator("main")).to_contain_text("Embargo lifted by")
    axe.check(officer)
    officer.goto(referral)
    expect(officer.locator("#proceedings-banner-title").locator("xpath=../..")).to_contain_text(
        "Police investigation"
    )
    axe.check(officer)
