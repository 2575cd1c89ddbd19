"""The readable histories in Chromium, each page checked with axe: a referral's history, a long
text's changes line by line and who has viewed it, seen by the panel's chair; the same pages of a
review, seen by an SBNI officer. Every record is fictional."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from referrals import services
from reviews import services as review_services
from tests.browser.conftest import Accessibility, sign_in
from tests.conftest import Personas
from tests.reviews import flow as review_flow


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_histories_read_in_the_browser(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
) -> None:
    base = live_server.url
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    for text in ("Fictional: the first account.", "Fictional: the account corrected."):
        services.update_referral(referral, {"event_summary": text}, by=personas.belfast_member)
    chair = new_page()
    sign_in(chair, base, personas.belfast_chair)
    chair.goto(f"{base}/referrals/{referral.uuid}/")
    chair.get_by_role("link", name="History of this referral").click()
    expect(chair.get_by_role("heading", name="History")).to_be_visible()
    axe.check(chair)
    chair.get_by_role("link", name="See the changes line by line").first.click()
    expect(chair.get_by_text("Fictional: the account corrected.")).to_be_visible()
    axe.check(chair)
    chair.get_by_role("link", name="Back to the history").click()
    chair.get_by_role("link", name="Who has viewed this referral").click()
    expect(chair.get_by_role("heading", name="Who has viewed this referral")).to_be_visible()
    axe.check(chair)

    review = review_flow.drafted(personas)
    changed = review_flow.terms_values() | {"lines_of_enquiry": "Fictional: schools too."}
    review_services.save_terms(review, changed, by=personas.lead_reviewer)
    review_services.take_step(review, "submit", by=personas.lead_reviewer)
    officer = new_page()
    sign_in(officer, base, personas.sbni_officer)
    officer.goto(f"{base}/reviews/{review.uuid}/")
    officer.get_by_role("link", name="History of this review").click()
    expect(officer.get_by_text("With the CMR Panel chair").first).to_be_visible()
    axe.check(officer)
    officer.get_by_role("link", name="See the changes line by line").first.click()
    expect(officer.get_by_text("Fictional: schools too.")).to_be_visible()
    axe.check(officer)
    officer.goto(f"{base}/reviews/{review.uuid}/history/viewed/")
    expect(officer.get_by_text(personas.sbni_officer.full_name).first).to_be_visible()
    axe.check(officer)
