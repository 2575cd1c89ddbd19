"""Journey C, the review, in Chromium: the lead reviewer agrees the terms of reference and asks
for an agency report, which the agency contact uploads; adds chronology entries; drafts findings
saved as they type (a reload shows the text); a second reviewer in another browser edits the same
section and sees the conflict without losing text, and is asked before closing it; the lead
clicks Save while an autosave is on its way, and puts their text back after signing in again,
without a conflict with themself; adds a recommendation with an action; exports
the overview report, rendered by a real Celery worker, and downloads the PDF."""

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import APIResponse, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import files
from tests.browser.conftest import Accessibility, fill_date, shoot, sign_in
from tests.conftest import Personas
from tests.reviews import flow

TODAY = datetime.date.today()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_review_is_run_in_the_browser(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
    worker: None,
    tmp_path: object,
) -> None:
    base = live_server.url
    review = flow.with_team(personas)
    workspace = f"{base}/reviews/{review.uuid}/"
    lead = new_page()
    sign_in(lead, base, personas.lead_reviewer)
    lead.goto(workspace)
    axe.check(lead)
    shoot(lead, "review-workspace")

    lead.get_by_role("link", name=f"The referral {review.referral.reference}").click()
    expect(lead.locator("h1")).to_contain_text(f"Referral {review.referral.reference}")
    axe.check(lead)
    lead.goto(workspace)

    lead.get_by_role("link", name="Terms of reference").click()
    axe.check(lead)
    fill_date(lead, "period_from", TODAY - datetime.timedelta(days=400))
    fill_date(lead, "period_to", TODAY - datetime.timedelta(days=10))
    lead.fill("[name=lines_of_enquiry]", "How did agencies share what they knew? (fictional)")
    lead.check("[name=purposes][value=facts]")
    lead.get_by_label("Police Service of Northern Ireland").check()
    fill_date(lead, "agreed_on", TODAY)
    lead.get_by_role("button", name="Save a new version").click()
    expect(lead.locator("main")).to_contain_text("Version 1, saved by")

    lead.goto(f"{workspace}agency-reports/")
    axe.check(lead)
    lead.select_option("[name=agency]", label="Police Service of Northern Ireland")
    lead.select_option("[name=contact]", index=1)
    lead.fill("[name=asked]", "Your report and chronology (fictional).")
    fill_date(lead, "due_date", TODAY + datetime.timedelta(days=14))
    lead.get_by_role("button", name="Send the request").click()

    contact = new_page()
    sign_in(contact, base, personas.agency_contact)
    axe.check(contact)  # the agency contact's home page: the report requested of them
    contact.get_by_role("link", name="Reviews").click()
    contact.get_by_role("link", name=review.reference).click()
    axe.check(contact)
    report = tmp_path / "report.pdf"  # type: ignore[operator]
    report.write_bytes(files.PDF)
    contact.set_input_files("[name=report]", str(report))
    contact.get_by_role("button", name="Send").click()
    expect(contact.locator("main")).to_contain_text("Received")

    lead.goto(f"{workspace}chronology/")
    axe.check(lead)
    for day, event in (
        (30, "A home visit (fictional)."),
        (12, "A missed appointment (fictional)."),
    ):
        fill_date(lead, "date", TODAY - datetime.timedelta(days=day))
        lead.select_option("[name=agency]", label="Police Service of Northern Ireland")
        lead.fill("[name=event]", event)
        lead.check("[name=significance][value=relevant]")
        lead.get_by_role("button", name="Add the entry").click()
    expect(lead.locator("main")).to_contain_text("2 entries")

    section = f"{workspace}findings/prevention/"
    lead.goto(section)
    axe.check(lead)
    lead.fill("#section-text", "The lead's words (fictional).")
    expect(lead.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    lead.reload()
    expect(lead.locator("#section-text")).to_have_value("The lead's words (fictional).")

    second = new_page()
    sign_in(second, base, personas.reviewer)
    second.goto(section)
    lead.fill("#section-text", "The lead's words, changed (fictional).")
    expect(lead.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    lead.wait_for_function("document.querySelector('#base-version').value === '2'")
    second.fill("#section-text", "The second reviewer's words (fictional).")
    expect(second.locator("#their-text")).to_contain_text("changed", timeout=10_000)
    expect(second.locator("#section-text")).to_have_value(
        "The second reviewer's words (fictional)."
    )
    axe.check(second)
    shoot(second, "findings-conflict")
    # Closing the tab while the conflict is unresolved asks first (its kept text would go).
    with second.expect_event("dialog") as asked:
        second.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()

    # Save clicked while an autosave is on its way: the server has saved the autosave, the page
    # has not heard back. Neither the same text nor a little more is a conflict with oneself.
    held: list[APIResponse] = []
    lead.route("**/autosave/", lambda route: held.append(route.fetch()))
    lead.fill("#section-text", "The lead's words, changed again (fictional).")
    for _ in range(150):
        if held:
            break
        lead.wait_for_timeout(100)
    assert held, "the autosave was not sent"
    lead.unroute_all(behavior="ignoreErrors")
    lead.fill("#section-text", "The lead's words, changed again and saved (fictional).")
    lead.get_by_role("button", name="Save", exact=True).click()
    expect(lead.locator("main")).to_contain_text("The section is saved.")
    expect(lead.locator("main")).not_to_contain_text("Someone else saved")
    expect(lead.locator("#section-text")).to_have_value(
        "The lead's words, changed again and saved (fictional)."
    )

    # Signed out while writing: after signing in again, the text kept in the tab is put back on
    # the version of the writer's own last autosave, and saves without a conflict.
    lead.fill("#section-text", "Written before the break (fictional).")
    expect(lead.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    lead.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    lead.fill("#section-text", "Written before the break, and kept (fictional).")
    expect(lead.locator("#save-status")).to_contain_text("signed out", timeout=10_000)
    sign_in(lead, base, personas.lead_reviewer)
    lead.goto(section)
    lead.get_by_role("button", name="Put my text back").click()
    expect(lead.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    expect(lead.locator("#save-status")).not_to_contain_text("Someone else saved")
    lead.reload()
    expect(lead.locator("#section-text")).to_have_value(
        "Written before the break, and kept (fictional)."
    )

    lead.goto(f"{workspace}recommendations/")
    axe.check(lead)
    lead.fill("[name=text]", "Share referrals within a day (fictional).")
    prevention = review.sections.get(key="prevention")
    lead.check(f"[name=findings][value='{prevention.pk}']")
    lead.get_by_role("button", name="Add the recommendation").click()
    lead.get_by_role("link", name="Add an action").click()
    axe.check(lead)
    lead.select_option("[name=agency]", label="Police Service of Northern Ireland")
    lead.fill("[name=owner]", "Head of public protection (fictional)")
    lead.fill("[name=description]", "A daily referral check (fictional).")
    fill_date(lead, "due_date", TODAY + datetime.timedelta(days=90))
    lead.fill("[name=measure]", "Every referral shared within a day (fictional).")
    lead.get_by_role("button", name="Add the action").click()

    lead.goto(workspace)
    lead.get_by_role("link", name="Overview report (PDF)").click()
    axe.check(lead)
    with lead.expect_download(timeout=60_000) as download:
        lead.get_by_role("link", name="Download the overview report").click(timeout=60_000)
    assert download.value.suggested_filename.endswith("overview-report.pdf")
    assert (download.value.path().read_bytes()[:5]) == b"%PDF-"
