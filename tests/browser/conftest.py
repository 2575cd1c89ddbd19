"""A real browser: Debian's Chromium driven by Playwright, against the live server on PostgreSQL.
Never `playwright install`: `make test` installs Debian's chromium when it is missing."""

import datetime
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.fixtures import Settings

from panels.models import User
from tests.factories import TEST_PASSWORD, current_code

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The WCAG 2.2 AA rules, and the impacts that fail a page.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}


@pytest.fixture
def browser(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Chromium for one test. It starts after the test database and stops before it is
    emptied; while Playwright's sync API runs its event loop in this thread, Django's check for
    async contexts would refuse the test's own database calls, so it is lifted until then."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def plain_static_files(settings: Settings) -> None:
    """The live server serves static files from their folders, by their plain names (the
    hashed names of the manifest exist only after collectstatic, in STATIC_ROOT)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def watch_policy(page: Page, refused: list[str]) -> None:
    """Add to ``refused`` what Chromium says the Content-Security-Policy refused on ``page``."""
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in browser contexts of their own (one person each), closed after the test. Every
    page is watched for what the Content-Security-Policy refused: the test fails on any."""
    contexts: list[BrowserContext] = []
    refused: list[str] = []

    def open_one() -> Page:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(15_000)
        watch_policy(opened, refused)
        return opened

    yield open_one
    for context in contexts:
        context.close()
    assert not refused, "The Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


# WCAG 2.2's reflow criterion (1.4.10): content reflows at 320 CSS pixels wide (1280 pixels at
# 400% zoom) without scrolling in two dimensions.
NARROW = 320
# What is wider than its box at 320 pixels, run in the page. The document may not be: its
# widest parts are named. Any other box that scrolls or cuts off its content sideways must be a
# data table's region (cmr_portal/kernel/tables.py): role="region", tabindex="0", and named by a
# caption or heading with words in it. Form controls scroll their own text; visually hidden text
# (a box of one pixel, such as the skip link until it has focus) is cut off on purpose.
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const name = (element) => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "")
    + (element.classList.length ? "." + [...element.classList].join(".") : "");
  const found = [];
  if (root.scrollWidth > width) {
    // Inside a region, only what escapes it counts: what is positioned against a box outside it.
    const escapes = (element) => {
      const region = element.closest(".portal-table-region");
      for (let inner = element; region && inner !== region; inner = inner.parentElement) {
        const position = getComputedStyle(inner).position;
        if ((position === "absolute" || position === "fixed")
            && !region.contains(inner.offsetParent)) return true;
      }
      return !region;
    };
    const wide = [...document.body.querySelectorAll("*")].filter((element) =>
      element.getBoundingClientRect().right > width + 1 && escapes(element));
    const outermost = wide.filter((element) => !wide.includes(element.parentElement));
    found.push(`the page is ${root.scrollWidth} pixels wide in a ${width} pixel window, `
      + `because of ${outermost.slice(0, 5).map(name).join(", ")}`);
  }
  for (const element of document.body.querySelectorAll("*")) {
    if (element.matches("input, textarea, select")) continue;
    if (element.clientWidth <= 1 && element.clientHeight <= 1) continue;
    if (getComputedStyle(element).overflowX === "visible") continue;
    if (element.scrollWidth <= element.clientWidth + 1) continue;
    const label = document.getElementById(element.getAttribute("aria-labelledby") || "");
    if (element.getAttribute("role") !== "region" || element.getAttribute("tabindex") !== "0"
        || !label || !label.textContent.trim()) {
      found.push(`${name(element)} is ${element.scrollWidth} pixels wide in a box of `
        + `${element.clientWidth}, and is not a labelled region that takes focus`);
    }
  }
  return found;
}"""


class Accessibility:
    """axe-core on every page a journey visits: no serious or critical WCAG 2.2 AA violation, at
    the journey's width and again at 320 pixels wide, where the page must also reflow."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.checked: list[str] = []

    def check(self, page: Page) -> None:
        """Check ``page`` as it is, then at ``NARROW`` pixels wide; it is left at its own size."""
        self.run_axe(page)
        size = page.viewport_size
        assert size is not None
        page.set_viewport_size({"width": NARROW, "height": size["height"]})
        try:
            overflowing = page.evaluate(OVERFLOW)
            assert not overflowing, f"{page.url} at {NARROW} pixels wide: {overflowing}"
            self.run_axe(page)
        finally:
            page.set_viewport_size(size)
        self.checked.append(page.url)

    def run_axe(self, page: Page) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        failing = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']][:3]}"
            for violation in results.response["violations"]
            if violation["impact"] in FAILING
        ]
        width = page.viewport_size["width"] if page.viewport_size else "?"
        assert not failing, f"{page.url} at {width} pixels wide: {failing}"


@pytest.fixture
def axe() -> Accessibility:
    return Accessibility()


def sign_in(page: Page, base: str, user: User) -> None:
    """Sign in with the password and then the authenticator's current code."""
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A code is accepted once (replay protection): signing in twice within its 30 seconds, the
    # test's device forgets the code it last accepted.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.get_by_label("Code").fill(current_code(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")


def fill_date(page: Page, name: str, value: datetime.date) -> None:
    """A date in its three boxes: day, month, year."""
    for part, number in enumerate((value.day, value.month, value.year)):
        page.fill(f"[name={name}_{part}]", str(number))


def shoot(page: Page, name: str) -> None:
    """Keep a screenshot of a key page for the README (fictional data only), when asked:
    `UPDATE_SCREENSHOTS=1 make pytest ARGS=tests/browser`. Otherwise the page is still taken,
    so that the step cannot rot, but nothing in the working tree changes."""
    picture = page.screenshot(full_page=True)
    assert picture.startswith(b"\x89PNG")
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{name}.png").write_bytes(picture)
