"""Journey A, the panel member, in Chromium: sign in with the second factor, start a referral,
save a draft, sign out, come back, complete it, meet an error without losing anything, check the
answers, send it, see the reference. axe-core checks every page on the way."""

import datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from referrals.models import Referral
from tests.browser.conftest import Accessibility, fill_date, shoot, sign_in
from tests.conftest import Personas

TODAY = datetime.date.today()


def save(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_panel_member_sends_a_referral(
    page: Page, live_server: LiveServer, personas: Personas, axe: Accessibility
) -> None:
    base = live_server.url
    sign_in(page, base, personas.belfast_member)
    axe.check(page)
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    axe.check(page)
    page.get_by_role("link", name="Referrals", exact=True).click()
    axe.check(page)
    page.get_by_role("link", name="Start a referral").click()
    axe.check(page)
    if page.get_by_role("button", name="Start").count():
        page.get_by_role("button", name="Start").click()
    referral = Referral.objects.get()
    overview = f"{base}/referrals/{referral.uuid}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(referral.reference)
    axe.check(page)

    # The child, with the keyboard alone.
    page.goto(f"{overview}child/")
    axe.check(page)
    page.locator("[name=child_initials]").focus()
    page.keyboard.type("AB")
    for value in (str(TODAY.day), str(TODAY.month), str(TODAY.year - 2)):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    while page.evaluate("document.activeElement.name") != "child_gender":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.textContent.trim()") != "Save and continue":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # saved as a draft
    referral.refresh_from_db()
    assert (referral.child_initials, referral.child_gender) == ("AB", "female")

    # Sign out, and come back to the draft.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, personas.belfast_member)
    page.goto(overview)
    expect(page.locator("#status-child")).to_have_text("Completed")  # kept from before
    expect(page.locator("#status-event")).to_contain_text("Not started")

    # What happened: an error keeps everything typed.
    page.goto(f"{overview}event/")
    page.check("[name=event_type][value=significant_harm]")
    fill_date(page, "event_date", TODAY - datetime.timedelta(days=20))
    fill_date(page, "agency_aware_date", TODAY - datetime.timedelta(days=30))  # before the event
    page.fill("[name=event_place]", "Family home (fictional)")
    page.fill("[name=event_summary]", "A fictional account, typed once.")
    save(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date an agency became aware must be on or after the date of the event"
    )
    axe.check(page)
    expect(page.locator("[name=event_summary]")).to_have_value("A fictional account, typed once.")
    expect(page.locator("[name=event_place]")).to_have_value("Family home (fictional)")
    fill_date(page, "agency_aware_date", TODAY - datetime.timedelta(days=19))
    save(page)

    page.goto(f"{overview}legal-status/")
    page.check("[name=child_on_register][value=no]")
    page.check("[name=child_looked_after][value=no]")
    save(page)
    page.goto(f"{overview}regulation-17/")
    axe.check(page)
    answers = {
        "harm": "yes",
        "abuse": "yes",
        "register": "no",
        "looked_after": "no",
        "concerns": "yes",
        "learning": "no",
    }
    for limb, answer in answers.items():
        page.check(f"[name=reg17_{limb}][value={answer}]")
    save(page)
    page.goto(f"{overview}notifier/")
    page.fill("[name=notifier_name]", "Notifying Officer (fictional)")
    page.fill("[name=notifier_role]", "Panel member")
    page.fill("[name=notifier_email]", "notifier@test.example.org")
    save(page)
    page.goto(f"{overview}agencies/")
    axe.check(page)
    page.select_option("[name=agency]", label="Police Service of Northern Ireland")
    page.fill("[name=nature]", "Called to the home (fictional).")
    page.get_by_role("button", name="Add the agency").click()

    page.goto(overview)
    axe.check(page)
    page.get_by_role("link", name="Check your answers and send").click()
    axe.check(page)
    shoot(page, "referral-check-answers")
    page.get_by_role("button", name="Send to the SBNI").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # the declaration is needed
    page.check("[name=declaration]")
    page.get_by_role("button", name="Send to the SBNI").click()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    expect(page.locator(".govuk-panel")).to_contain_text(referral.reference)
    axe.check(page)
    shoot(page, "referral-sent")
    assert len(axe.checked) >= 10
