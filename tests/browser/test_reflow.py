"""Reflow at 320 pixels wide (WCAG 2.2, 1.4.10), as every journey checks it: what the check
refuses, and that a data table's region scrolls with the keyboard. The parts are put on the
sign-in page, so that they are laid out by the portal's own stylesheet."""

import re

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import NARROW, Accessibility

# A table of eight columns: it fits in the journeys' window of 1100 pixels, not in 320.
COLUMNS = "".join(f"<th scope='col' class='govuk-table__header'>Column {n}</th>" for n in range(8))
TABLE = (
    "<table class='govuk-table'><caption id='wide' class='govuk-table__caption'>Eight columns"
    f"</caption><thead><tr>{COLUMNS}</tr></thead></table>"
)
SUMMARY = (
    "<dl class='govuk-summary-list'><div class='govuk-summary-list__row'><dt "
    "class='govuk-summary-list__key'>Email</dt><dd class='govuk-summary-list__value'>"
    f"{'x' * 80}@example.invalid</dd></div></dl>"
)
PUT = """([html, style, attributes]) => {
  const box = document.createElement("div");
  box.innerHTML = html;
  Object.assign(box.style, style);
  for (const [name, value] of Object.entries(attributes)) box.setAttribute(name, value);
  document.querySelector("main").prepend(box);
}"""


def put(page: Page, html: str, style: dict[str, str] | None = None, **attributes: str) -> None:
    """``html`` at the top of the page's main content, in a box with ``style`` (set through the
    CSS object model: the Content-Security-Policy refuses style attributes) and ``attributes``."""
    page.evaluate(PUT, [html, style or {}, attributes])


@pytest.fixture
def sign_in_page(page: Page, live_server: LiveServer) -> Page:
    page.goto(f"{live_server.url}/sign-in/")
    return page


# Serialized, as every browser test: a flush after it must leave the roles seeded by migrate to
# the transactional tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_long_words_break_rather_than_widen_the_page(
    sign_in_page: Page, axe: Accessibility
) -> None:
    put(sign_in_page, f"<p class='govuk-body'>{'Unbroken' * 40}</p>")
    put(sign_in_page, SUMMARY)
    axe.check(sign_in_page)
    assert sign_in_page.viewport_size == {"width": 1100, "height": 900}  # left as it was


def test_a_table_outside_a_region_widens_the_page_and_is_refused(
    sign_in_page: Page, axe: Accessibility
) -> None:
    put(sign_in_page, TABLE)
    with pytest.raises(
        AssertionError, match=re.escape(f"in a {NARROW} pixel window, because of table.govuk-table")
    ):
        axe.check(sign_in_page)


@pytest.mark.parametrize(
    ("overflow", "attributes"),
    [
        ("auto", {}),  # it scrolls, but the keyboard cannot reach it
        ("auto", {"role": "region", "tabindex": "0"}),  # not named
        ("auto", {"role": "region", "tabindex": "0", "aria-labelledby": "nothing"}),
        ("hidden", {}),  # the last columns are cut off
    ],
)
def test_a_box_that_scrolls_or_cuts_off_must_be_a_named_region_that_takes_focus(
    sign_in_page: Page, axe: Accessibility, overflow: str, attributes: dict[str, str]
) -> None:
    put(sign_in_page, TABLE, {"overflowX": overflow}, **attributes)
    with pytest.raises(AssertionError, match="is not a labelled region that takes focus"):
        axe.check(sign_in_page)


def test_a_data_tables_region_scrolls_with_the_keyboard(
    sign_in_page: Page, axe: Accessibility
) -> None:
    put(
        sign_in_page,
        TABLE,
        None,
        **{
            "class": "portal-table-region",
            "role": "region",
            "aria-labelledby": "wide",
            "tabindex": "0",
        },
    )
    axe.check(sign_in_page)
    sign_in_page.set_viewport_size({"width": NARROW, "height": 900})
    region = sign_in_page.get_by_role("region", name="Eight columns")
    region.focus()
    assert region.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    assert region.evaluate("element => element.scrollLeft") == 0
    sign_in_page.keyboard.press("ArrowRight")
    for _ in range(40):  # the browser may scroll smoothly
        if region.evaluate("element => element.scrollLeft") > 0:
            break
        sign_in_page.wait_for_timeout(50)
    assert region.evaluate("element => element.scrollLeft") > 0


def test_visually_hidden_words_in_a_table_scroll_with_it(
    sign_in_page: Page, axe: Accessibility
) -> None:
    """Visually hidden text is positioned: in a region that is not its containing block, it
    escapes the region and widens the page (the chronology's "Remove the entry of ..." did)."""
    hidden = TABLE.replace("Column 7", "Column 7<span class='govuk-visually-hidden'>, last</span>")
    attributes = {"role": "region", "aria-labelledby": "wide", "tabindex": "0"}
    put(sign_in_page, hidden, None, **{"class": "portal-table-region"}, **attributes)
    axe.check(sign_in_page)
    sign_in_page.evaluate(
        "document.querySelector('.portal-table-region').style.position = 'static'"
    )
    with pytest.raises(AssertionError, match=re.escape("because of span.govuk-visually-hidden")):
        axe.check(sign_in_page)


def test_a_table_typed_in_a_finding_shares_the_width(
    sign_in_page: Page, axe: Accessibility
) -> None:
    """A table typed in Markdown has no caption to name a region: it fits the screen instead."""
    cells = "".join(f"<td>{'Significance' * 3}</td>" for _ in range(8))
    put(
        sign_in_page,
        f"<table><tbody><tr>{cells}</tr></tbody></table><pre>{'x ' * 400}</pre>",
        None,
        **{"class": "portal-prose"},
    )
    axe.check(sign_in_page)
