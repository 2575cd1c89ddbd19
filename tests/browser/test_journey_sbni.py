"""Journey B, the SBNI, in Chromium: the officer acknowledges and asks for more information; the
panel member answers; a CMR Panel meeting records a recommendation; the SBNI Chair decides that a
CMR is required; the panel sees the decision. axe-core checks every page on the way."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from referrals.models import Referral
from tests.browser.conftest import Accessibility, fill_date, shoot, sign_in
from tests.conftest import Personas
from tests.referrals import flow

TODAY = datetime.date.today()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sbni_decides_and_the_panel_sees_it(
    new_page: Callable[[], Page], live_server: LiveServer, personas: Personas, axe: Accessibility
) -> None:
    base = live_server.url
    referral = flow.sent(personas)
    overview = f"{base}/referrals/{referral.uuid}/"

    officer = new_page()
    sign_in(officer, base, personas.sbni_officer)
    axe.check(officer)  # the officer's home page: their work
    shoot(officer, "home-sbni-officer")
    officer.set_viewport_size({"width": 320, "height": 900})  # a phone, or 400% zoom
    shoot(officer, "home-sbni-officer-320px")
    officer.set_viewport_size({"width": 1100, "height": 900})
    officer.get_by_role("link", name="SBNI queue").click()
    axe.check(officer)
    officer.get_by_role("link", name=referral.reference).click()
    axe.check(officer)
    officer.get_by_role("button", name="Acknowledge receipt").click()
    officer.get_by_role("link", name="Ask the panel for more information").click()
    axe.check(officer)
    officer.fill("[name=question]", "Was a strategy meeting held? (fictional)")
    officer.get_by_role("button", name="Send the question").click()
    expect(officer.locator("main .govuk-tag").first).to_have_text("Information requested")

    panel = new_page()
    sign_in(panel, base, personas.belfast_member)
    panel.goto(overview)
    panel.get_by_role("link", name="Answer").click()
    axe.check(panel)
    panel.fill("[name=answer]", "Yes, on 3 March (fictional).")
    panel.get_by_role("button", name="Send the answer").click()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED

    officer.get_by_role("link", name="CMR Panel meetings").click()
    axe.check(officer)
    officer.get_by_role("link", name="Schedule a meeting").click()
    fill_date(officer, "date", TODAY)
    officer.fill("[name=place]", "Room 1 (fictional)")
    officer.get_by_role("button", name="Save the meeting").click()
    axe.check(officer)
    officer.get_by_role("link", name="Add a referral to the agenda").click()
    officer.select_option("[name=referral]", index=1)
    officer.get_by_role("button", name="Add to the agenda").click()
    officer.get_by_role("link", name="Record attendance").click()
    axe.check(officer)
    for radio in officer.locator("input[value=present]").all():
        radio.check()
    officer.get_by_role("button", name="Save attendance").click()
    officer.get_by_role("link", name=referral.reference).click()
    axe.check(officer)

    chair = new_page()
    sign_in(chair, base, personas.cmr_panel_chair)
    chair.goto(officer.url)
    chair.get_by_role("link", name="Record the recommendation").click()
    axe.check(chair)
    chair.check("[name=outcome][value=cmr_17_2]")
    chair.fill("[name=rationale]", "Fictional rationale.")
    chair.get_by_role("button", name="Record the recommendation").click()

    sbni_chair = new_page()
    sign_in(sbni_chair, base, personas.sbni_chair)
    sbni_chair.goto(overview)
    sbni_chair.get_by_role("link", name="Decide whether a CMR is required").click()
    axe.check(sbni_chair)
    shoot(sbni_chair, "sbni-chair-decides")
    sbni_chair.check("[name=outcome][value=cmr_17_2]")
    sbni_chair.fill("[name=reasons]", "Fictional reasons.")
    sbni_chair.get_by_role("button", name="Record the decision").click()
    expect(sbni_chair.locator(".govuk-notification-banner")).to_contain_text("is open")

    panel.goto(overview)
    expect(panel.get_by_text("Decision: CMR required: route 17(2)")).to_be_visible()
    axe.check(panel)
    panel.get_by_role("link", name="Read the decision letter and the reasons").click()
    axe.check(panel)
    shoot(panel, "decision-letter")
    expect(panel.locator("main")).to_contain_text("Fictional reasons.")
