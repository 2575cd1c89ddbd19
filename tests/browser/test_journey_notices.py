"""Who is told (issue 19, item 4), in Chromium: an SBNI officer opens the log of notifications to
outside bodies from the referral, makes the decision letter to the PSNI, downloads it, records it
as sent and sees it in the log; records a notification of another kind, once with a date in the
future; and opens the notice of publication from the review's publication version. axe-core
checks every page on the way."""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from reviews import publishing
from reviews.models import PUBLICATION_CHECKS
from tests.browser.conftest import Accessibility, fill_date, sign_in
from tests.conftest import Personas
from tests.documents.test_pdfs import pages
from tests.reviews import flow

TODAY = datetime.date.today()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_sends_the_decision_letter_and_logs_it(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    review = flow.approved(personas)
    publishing.sign_off_publication(
        review, [key for key, _ in PUBLICATION_CHECKS], by=personas.sbni_officer
    )
    referral = review.referral

    officer = new_page()
    sign_in(officer, base, personas.sbni_officer)
    officer.goto(f"{base}/referrals/{referral.uuid}/")
    officer.get_by_role("link", name="Notifications to outside bodies").click()
    expect(officer.locator("h1")).to_have_text("Notifications to outside bodies")
    expect(officer.locator("main")).to_contain_text("No one outside the portal")
    axe.check(officer)

    officer.get_by_role(
        "link", name="Make the letter to Police Service of Northern Ireland"
    ).click()
    expect(officer.locator("h1")).to_contain_text(f"Referral {referral.reference}")
    axe.check(officer)
    with officer.expect_download() as downloading:
        officer.get_by_role("link", name="Download the letter (PDF)").click()
    letter = Path(downloading.value.path()).read_bytes()
    text = " ".join(pages(letter))
    assert "To: Police Service of Northern Ireland" in text
    assert referral.reference in text

    officer.fill("[name=role]", "Head of Public Protection")
    fill_date(officer, "sent_on", TODAY)
    officer.get_by_label("Secure email").check()
    officer.get_by_role("button", name="Record it as sent").click()
    expect(officer.locator(".govuk-notification-banner")).to_contain_text(
        "The decision letter to Police Service of Northern Ireland is recorded as sent."
    )
    row = officer.locator("tbody tr").first
    expect(row).to_contain_text("Head of Public Protection, Police Service of Northern Ireland")
    expect(row).to_contain_text("The SBNI Chair's decision")
    expect(row).to_contain_text("Secure email")
    axe.check(officer)
    with officer.expect_download() as downloading:
        row.get_by_role("link", name="The letter sent").click()
    assert "Head of Public Protection" in " ".join(
        pages(Path(downloading.value.path()).read_bytes())
    )

    officer.get_by_role("link", name="Record a notification").click()
    axe.check(officer)
    officer.get_by_label("NSPCC", exact=True).check()
    fill_date(officer, "sent_on", TODAY + datetime.timedelta(days=3))
    officer.get_by_label("Something else", exact=True).check()
    officer.fill("[name=description]", "Told of the review (fictional).")
    officer.get_by_label("Meeting", exact=True).check()
    officer.get_by_role("button", name="Record the notification").click()
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "The date sent must be today or in the past"
    )
    expect(officer.locator("[name=description]")).to_have_value("Told of the review (fictional).")
    axe.check(officer)
    fill_date(officer, "sent_on", TODAY)
    officer.get_by_role("button", name="Record the notification").click()
    expect(officer.locator("tbody")).to_contain_text("Told of the review (fictional).")

    officer.goto(f"{base}/reviews/{review.uuid}/")
    officer.get_by_role("link", name="Publication version, anonymised").click()
    officer.get_by_role("link", name="Notice of publication to the Department of Health").click()
    expect(officer.locator("h1")).to_contain_text("notice of publication")
    axe.check(officer)
