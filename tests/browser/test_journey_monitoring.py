"""The SBNI's monitoring page in Chromium (issue 20): an SBNI officer opens Monitoring from the
menu, chooses a financial year, a quarter and a panel, reads how long the SBNI Chair's decisions
took, follows the figure to the referral behind it and comes back to the same figures; the
Belfast panel's chair sees their own panel's figures alone. axe on every page, at 1100 pixels
wide and at 320, where the charts shrink and only the tables scroll. And the README's picture
of the page, on the demo data."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from cmr_portal.tooling.demo import load_demo_data
from referrals import services as referrals
from referrals.models import Outcome, Referral
from reviews import services
from reviews.monitoring.refresh import refresh
from tests.browser.conftest import Accessibility, shoot, sign_in
from tests.conftest import Personas
from tests.referrals import flow
from tests.reviews.test_monitoring_figures import at, recommend_on, sent_on

D = datetime.date
STEPS = "Referrals: each step of the SBNI's consideration"
BELFAST = "Belfast Local Safeguarding Panel"


def decided_in_september(people: Personas) -> Referral:
    """Quarter 2 of 2025 to 2026, with no bank holiday: a Belfast referral sent on Monday 1
    September 2025, acknowledged on the 3rd, recommended by the CMR Panel on the 15th and decided
    by the SBNI Chair on Thursday the 18th (3 working days); a Western referral acknowledged in
    the same days. Then the figures are worked out, as beat would."""
    belfast = sent_on(D(2025, 9, 1), people)
    western = sent_on(D(2025, 9, 1), people, western=True)
    with at(D(2025, 9, 3)):
        for referral in (belfast, western):
            referrals.acknowledge_referral(referral, by=people.sbni_officer)
    recommend_on(D(2025, 9, 15), belfast, people)
    with at(D(2025, 9, 18)):
        services.decide(
            belfast,
            flow.decision_values(Outcome.CMR_17_2, "Fictional reasons."),
            by=people.sbni_chair,
        )
    refresh()
    return belfast


def cells(page: Page, step: str) -> list[str]:
    """The figures of ``step`` in the table of the referrals' steps, without the words that
    only screen readers hear."""
    table = page.get_by_role("table", name=STEPS)
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=step))
    texts: list[str] = row.get_by_role("cell").evaluate_all(
        """cells => cells.map((cell) => {
          const seen = cell.cloneNode(true);
          seen.querySelectorAll(".govuk-visually-hidden").forEach((hidden) => hidden.remove());
          return seen.textContent.trim();
        })"""
    )
    return texts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sbni_reads_how_long_decisions_took_and_a_chair_their_panel_alone(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
) -> None:
    base = live_server.url
    referral = decided_in_september(personas)

    officer = new_page()
    sign_in(officer, base, personas.sbni_officer)
    officer.get_by_role("link", name="Monitoring", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Monitoring")
    axe.check(officer)  # this financial year: every panel, and figures only where there are
    officer.get_by_label("Financial year", exact=True).select_option(
        label="April 2025 to March 2026"
    )
    officer.get_by_label("Quarter", exact=True).select_option(label="Quarter 2: July to September")
    officer.get_by_label("Panel", exact=True).select_option(label=BELFAST)
    officer.get_by_role("button", name="Show the figures").click()
    main = officer.locator("main")
    expect(main).to_contain_text("Figures for Quarter 2 of 2025 to 2026 (July to September 2025)")
    expect(officer.locator(".govuk-caption-l")).to_have_text(BELFAST)
    axe.check(officer)
    # How long decisions took: one decision, in 3 working days, within its timescale.
    assert cells(officer, "SBNI Chair's decision") == ["1", "3", "3", "100%", "0"]
    # The Western referral's acknowledgement is not Belfast's.
    assert cells(officer, "Acknowledge receipt")[0] == "1"

    table = officer.get_by_role("table", name=STEPS)
    table.get_by_role("link", name="1 (Done in the period, SBNI Chair's decision)").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("SBNI Chair's decision")
    expect(main).to_contain_text("Quarter 2 of 2025 to 2026 (July to September 2025)")
    expect(officer.get_by_role("link", name=referral.reference)).to_be_visible()
    axe.check(officer)
    officer.get_by_role("link", name="Back to monitoring").click()
    # The same figures as before: the year, quarter and panel chosen.
    expect(officer.get_by_label("Financial year", exact=True)).to_have_value("2025")
    expect(officer.get_by_label("Quarter", exact=True)).to_have_value("q2")
    expect(officer.get_by_label("Panel", exact=True)).to_have_value(str(personas.belfast.pk))
    assert cells(officer, "SBNI Chair's decision")[1] == "3"
    officer.get_by_label("Panel", exact=True).select_option(label="Every panel")
    officer.get_by_role("button", name="Show the figures").click()
    expect(officer.locator(".govuk-caption-l")).to_have_text("Every panel")
    assert cells(officer, "Acknowledge receipt")[0] == "2"

    chair = new_page()
    sign_in(chair, base, personas.belfast_chair)
    chair.get_by_role("link", name="Monitoring", exact=True).click()
    expect(chair.locator(".govuk-caption-l")).to_have_text(BELFAST)
    # Their own panel is the only one: there is no panel to choose, none other named.
    expect(chair.get_by_label("Panel", exact=True)).to_have_count(0)
    expect(chair.locator("main")).not_to_contain_text("Western")
    axe.check(chair)
    chair.get_by_label("Financial year", exact=True).select_option(label="April 2025 to March 2026")
    chair.get_by_label("Quarter", exact=True).select_option(label="Quarter 2: July to September")
    chair.get_by_role("button", name="Show the figures").click()
    expect(chair.locator("main")).to_contain_text("Quarter 2 of 2025 to 2026")
    assert cells(chair, "Acknowledge receipt")[0] == "1"  # Belfast's, not the Western's
    axe.check(chair)
    chair.get_by_role("table", name=STEPS).get_by_role(
        "link", name="1 (Done in the period, Acknowledge receipt)"
    ).click()
    expect(chair.get_by_role("link", name=referral.reference)).to_be_visible()
    expect(chair.locator("main")).not_to_contain_text("Western")
    axe.check(chair)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readme_shows_the_monitoring_page_on_the_demo_data(
    page: Page, live_server: LiveServer, settings: Settings, axe: Accessibility
) -> None:
    """`UPDATE_SCREENSHOTS=1 make pytest ARGS=tests/browser/test_journey_monitoring.py` makes
    docs/screenshots/monitoring-sbni-officer.png; the demo's people need no second factor."""
    settings.DEMO = True
    officer = next(persona for persona in load_demo_data() if persona.key == "sbni_officer")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Monitoring", exact=True).click()
    expect(page.locator("main")).to_contain_text("SBNI Chair's decision")
    axe.check(page)
    shoot(page, "monitoring-sbni-officer")
