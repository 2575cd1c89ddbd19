"""A list longer than its count cap, in Chromium: it says "More than" and pages forward, and
passes axe-core at every width."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Accessibility, sign_in
from tests.conftest import Personas
from tests.referrals.test_sbni_queue import sent_long_ago


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_list_past_its_count_cap_pages_forward(
    new_page: Callable[[], Page],
    live_server: LiveServer,
    personas: Personas,
    axe: Accessibility,
    settings: Settings,
) -> None:
    settings.LIST_COUNT_CAP = 20
    sent_long_ago(personas)  # 55 referrals
    officer = new_page()
    sign_in(officer, live_server.url, personas.sbni_officer)
    officer.goto(f"{live_server.url}/referrals/")
    expect(officer.locator("caption")).to_have_text("More than 20 referrals")
    pagination = officer.get_by_role("navigation", name="Pagination")
    expect(pagination).to_contain_text("Page 1")
    expect(pagination).not_to_contain_text("Page 1 of")
    axe.check(officer)
    pagination.get_by_role("link", name="Next page").click()
    expect(pagination).to_contain_text("Page 2")
    axe.check(officer)
    pagination.get_by_role("link", name="Next page").click()
    expect(officer.locator("tbody tr")).to_have_count(5)
    expect(pagination.get_by_role("link", name="Next page")).to_have_count(0)
    pagination.get_by_role("link", name="Previous page").click()
    expect(pagination).to_contain_text("Page 2")
