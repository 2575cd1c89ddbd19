"""The browser's side of the Content-Security-Policy: what every journey is watched for works."""

import contextlib

import pytest
from playwright.sync_api import Browser, Error
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import watch_policy


# Serialized, as every browser test: a flush after it must leave the roles seeded by migrate to
# the transactional tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_inline_script_is_refused_and_seen(browser: Browser, live_server: LiveServer) -> None:
    page = browser.new_page()
    refused: list[str] = []
    watch_policy(page, refused)
    page.goto(f"{live_server.url}/sign-in/")
    page.wait_for_load_state("load")
    assert refused == []  # the page itself needs nothing the policy refuses
    with contextlib.suppress(Error):  # Playwright may also report the refusal itself
        page.add_script_tag(content="document.title = 'ran'")
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    assert any("inline script" in message for message in refused), refused
    page.close()
