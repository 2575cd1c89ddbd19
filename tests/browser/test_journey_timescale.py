"""A review's timescale in Chromium (issue 19): the lead reviewer sees the step running and its due
date on the task list, records the criminal trial running alongside, pauses the clock for it and
resumes it, and asks for an extension,
which the CMR Panel chair approves with reasons from their home page; axe on every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cmr_portal.kernel.working_days import add_working_days
from reviews.models import Extension, Review
from tests.browser.conftest import Accessibility, fill_date, sign_in
from tests.conftest import Personas
from tests.reviews import flow


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_review_is_paused_and_extended_in_the_browser(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
) -> None:
    base = live_server.url
    review = flow.with_team(personas)
    assert review.due_on is not None
    due = review.due_on
    lead = new_page()
    sign_in(lead, base, personas.lead_reviewer)
    lead.goto(f"{base}/reviews/{review.uuid}/")
    expect(lead.locator("#status-timescale")).to_contain_text(f"Due {due:%-d %B %Y}")
    lead.get_by_role("link", name="Timescale").click()
    axe.check(lead)
    expect(lead.locator("main")).to_contain_text("Terms of reference agreed")

    # The trial the police asked the review to wait for, recorded by the lead reviewer.
    lead.goto(f"{base}/reviews/{review.uuid}/proceedings/")
    lead.get_by_label("Criminal trial").check()
    lead.get_by_label("Under way").check()
    lead.fill("[name=constraints]", "No interviews of witnesses before the trial (fictional).")
    lead.get_by_role("button", name="Add the proceeding").click()
    expect(lead.locator("main")).to_contain_text("Criminal trial: recorded.")
    lead.goto(f"{base}/reviews/{review.uuid}/timescale/")

    lead.get_by_role("link", name="Pause the clock").click()
    axe.check(lead)
    lead.get_by_role("button", name="Pause the clock").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text("Say why the clock is paused")
    axe.check(lead)
    lead.fill("[name=reason]", "At the police's request until the trial ends (fictional).")
    lead.select_option("[name=proceeding]", label="Criminal trial")
    lead.get_by_role("button", name="Pause the clock").click()
    expect(lead.locator("main")).to_contain_text("Clock paused")
    expect(lead.locator("main")).to_contain_text("waiting for the criminal trial")
    axe.check(lead)
    lead.goto(f"{base}/reviews/{review.uuid}/")
    expect(lead.locator("#status-timescale")).to_contain_text("Clock paused")
    lead.get_by_role("link", name="Timescale").click()
    lead.get_by_role("button", name="Resume the clock").click()
    expect(lead.locator("main")).to_contain_text("The clock is running again")

    lead.get_by_role("link", name="Ask for an extension").click()
    axe.check(lead)
    new_due = add_working_days(due, 20)
    fill_date(lead, "new_due", new_due)
    lead.fill("[name=reason]", "The trial was moved to the spring (fictional).")
    lead.get_by_role("button", name="Ask the CMR Panel chair").click()
    expect(lead.locator("main")).to_contain_text("Waiting for a decision")

    chair = new_page()
    sign_in(chair, base, personas.cmr_panel_chair)
    expect(chair.locator("main")).to_contain_text("Extensions awaiting your decision")
    axe.check(chair)
    chair.get_by_role("link", name=f"{review.reference}: decide on an extension").click()
    axe.check(chair)
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you approve or refuse the extension"
    )
    axe.check(chair)
    chair.get_by_label("Approve the extension").check()
    chair.fill("[name=reason]", "The trial is outside the review's control (fictional).")
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.locator("main")).to_contain_text("Approved")
    axe.check(chair)

    lead.reload()
    expect(lead.locator("main")).to_contain_text(f"due {new_due:%-d %B %Y}")
    assert Extension.objects.get(review=review).due_before == due
    assert Review.objects.get(pk=review.pk).due_on == new_due
