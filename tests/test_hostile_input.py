"""No input makes a server error (issue 15, item 10): a standing fuzz test.

For every URL of the access test (tests/test_access.py) that some persona may use, as that persona:
every field of every form on the page (and, for URLs that take only POST, every field name found on
any page) is posted hostile values (very long text, NUL and other control characters, huge and
negative numbers, impossible dates, markup, right-to-left and emoji text, repeated fields), the form
is posted with the wrong content type and character set, and each page is asked for with hostile
query strings. Any answer of 500 or more fails the test, naming the URL and the value. Each request
runs in a savepoint rolled back after it, so every one meets the same world.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from pytest_django.fixtures import Settings

from tests.conftest import Personas, sign_in
from tests.test_access import (
    NOT_ALLOWED,
    OK,
    PATTERNS,
    PERSONAS,
    Expect,
    belfast_draft,
    expectation_for,
)

HOSTILE = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "9" * 40,
    "-1",
    "2147483648",
    "100000000000000000000",
    "1e309",
    "NaN",
    "0",
    "00/00/0000",
    "9999-12-31",
    "0001-01-01",
    "<script>alert(1)</script>",
    "%00%ff",
    "\u202eRTL\u202c \U0001f600 Seán Ó Néill",
    "'; DROP TABLE referrals_referral; --",
    "../../../../etc/passwd",
    "\ud7ff\ufeff\u200b",
]
QUERIES = ["q=%00", "page=99999999999999999999", "page=-1", "q=" + "x" * 5000, "done=%FF"]
# Fields a page draws that a client would not change; kept as the page sent them.
UNTOUCHED = {"csrfmiddlewaretoken"}


class FormFields(HTMLParser):
    """The names of the fields inside every <form method="post"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._in_post_form = (attributes.get("method") or "").lower() == "post"
        elif self._in_post_form and tag in {"input", "textarea", "select", "button"}:
            name = attributes.get("name")
            if name and name not in UNTOUCHED:
                self.names.add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False


def fields_of(html: str) -> set[str]:
    parser = FormFields()
    parser.feed(html)
    return parser.names


def allowed(expect: Expect, index: int) -> str | None:
    """A persona for whom the method (0: GET, 1: POST) is OK."""
    return next(
        (
            persona
            for persona in PERSONAS
            if persona != "anonymous" and expect.outcomes[persona][index] == OK
        ),
        None,
    )


FUZZED = [
    pattern
    for pattern in PATTERNS
    if not pattern.route.startswith("admin/")
    and (expect := expectation_for(pattern)) is not None
    and (allowed(expect, 0) or allowed(expect, 1))
]
# Every field name of the portal's forms, for URLs that take POST alone and so draw no form.
KNOWN_FIELDS = {
    "text", "base_version", "status", "note", "evidence", "file", "reason", "role", "outcome",
    "reasons", "date", "agency", "event", "significance", "confirm", "decision", "body",
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", FUZZED, ids=lambda pattern: pattern.name)
def test_no_hostile_input_makes_a_server_error(
    pattern: object, personas: Personas, settings: Settings, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = belfast_draft(personas)
    expect = expectation_for(pattern)  # type: ignore[arg-type]
    assert expect is not None
    route = pattern.route  # type: ignore[attr-defined]
    url = expect.url(personas, draft) if expect.url is not None else "/" + route
    failures: list[str] = []
    client = Client(raise_request_exception=False)

    def ask(method: str, *args: object, **kwargs: object) -> int:
        with transaction.atomic():
            response = getattr(client, method)(*args, **kwargs)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(
                f"{method.upper()} {args[0]} {str(args[1:])[:120]}: {response.status_code}"
            )
        return int(response.status_code)

    getter, poster = allowed(expect, 0), allowed(expect, 1)
    names: set[str] = set(KNOWN_FIELDS)
    if getter:
        sign_in(client, getattr(personas, getter))
        page = client.get(url)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            names = fields_of(page.content.decode()) or names
        for query in QUERIES:
            ask("get", f"{url}{'&' if '?' in url else '?'}{query}")
    if poster and expect.outcomes[poster][1] != NOT_ALLOWED:
        client.logout()
        sign_in(client, getattr(personas, poster))
        for value in HOSTILE:
            ask("post", url, dict.fromkeys(names, value))
        ask("post", url, {name: [HOSTILE[2], HOSTILE[4], "1"] for name in names})
        ask("post", url, b'{"text": "\\u0000"}', content_type="application/json")
        ask("post", url, b"\xff\xfe\x00", content_type="text/plain")
        ask("post", url, b"a=1", content_type="application/x-www-form-urlencoded; charset=latin-1")
        ask("post", url, b"a=%FF", content_type="application/x-www-form-urlencoded")
        ask("post", url, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert not failures, "\n".join(failures)


def test_the_fuzz_test_covers_every_usable_url() -> None:
    """A URL that some persona may use and that this test skips would hide its server errors."""
    assert len(FUZZED) > 50
    names = {pattern.name for pattern in FUZZED}
    assert {"reviews:autosave", "referrals:section", "referrals:list"} <= names
    assert not [name for name in names if re.match(r"^admin", name)]
