"""Every count in the interface agrees in number ("6 clear days were given", never "6 clear day
were"). The phrases are found in the templates and the code, so that a new one cannot be missed:
each is rendered with 0, 1 and 2, and hand-made plurals are refused."""

import html
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from cmr_portal.kernel.words import counted, plural_of

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)
CODE = sorted(
    path
    for package in ("cmr_portal", "panels", "referrals", "reviews")
    for path in (ROOT / package).rglob("*.py")
    if "migrations" not in path.parts
)

# Every phrase the portal counts, with what a reader should see for 0, 1 and 2. A new phrase
# fails test_every_phrase_is_listed until its three forms are written here.
PHRASES: dict[str, tuple[str, str, str]] = {
    "referral": ("0 referrals", "1 referral", "2 referrals"),
    "review": ("0 reviews", "1 review", "2 reviews"),
    "day": ("0 days", "1 day", "2 days"),
    "working day": ("0 working days", "1 working day", "2 working days"),
    "month": ("0 months", "1 month", "2 months"),
    "clear day": ("0 clear days", "1 clear day", "2 clear days"),
    "clear day was;clear days were": (
        "0 clear days were",
        "1 clear day was",
        "2 clear days were",
    ),
    "clear day's;clear days'": ("0 clear days'", "1 clear day's", "2 clear days'"),
    "comment": ("0 comments", "1 comment", "2 comments"),
    "entry": ("0 entries", "1 entry", "2 entries"),
    "unread notification": (
        "0 unread notifications",
        "1 unread notification",
        "2 unread notifications",
    ),
    "chronology entry": ("0 chronology entries", "1 chronology entry", "2 chronology entries"),
    "row": ("0 rows", "1 row", "2 rows"),
    "row of the file needs;rows of the file need": (
        "0 rows of the file need",
        "1 row of the file needs",
        "2 rows of the file need",
    ),
    "place": ("0 places", "1 place", "2 places"),
    "year": ("0 years", "1 year", "2 years"),
    "minute": ("0 minutes", "1 minute", "2 minutes"),
    "notification": ("0 notifications", "1 notification", "2 notifications"),
    "recommendation": ("0 recommendations", "1 recommendation", "2 recommendations"),
    "action": ("0 actions", "1 action", "2 actions"),
    "contact": ("0 contacts", "1 contact", "2 contacts"),
    "family member": ("0 family members", "1 family member", "2 family members"),
}

TEMPLATE_USE = re.compile(r"""\|counted:(["'])(?P<words>.+?)\1""")
# counted(n, "singular") or counted(n, "singular", "plural"), quotes of either kind.
CODE_USE = re.compile(
    r"""counted\([^,()]+(?:\([^()]*\))?,\s*(["'])(?P<singular>.+?)\1"""
    r"""(?:,\s*(["'])(?P<plural>.+?)\3)?\s*\)"""
)


def template_phrases() -> set[str]:
    return {
        match["words"]
        for path in TEMPLATES
        for match in TEMPLATE_USE.finditer(path.read_text(encoding="utf-8"))
    }


def code_phrases() -> set[str]:
    found = set()
    for path in CODE:
        for match in CODE_USE.finditer(path.read_text(encoding="utf-8")):
            words = match["singular"]
            if match["plural"]:
                words = f"{words};{match['plural']}"
            found.add(words)
    return found


def test_the_phrases_are_found() -> None:
    """The search itself works: it finds phrases known to be in the templates and the code."""
    assert {"clear day was;clear days were", "entry", "day"} <= template_phrases()
    assert {"notification", "working day", "row of the file needs;rows of the file need"} <= (
        code_phrases()
    )


@pytest.mark.parametrize("words", sorted(template_phrases() | code_phrases()))
def test_every_phrase_is_listed(words: str) -> None:
    assert words in PHRASES, f"Add {words!r} with its forms for 0, 1 and 2 to PHRASES"


@pytest.mark.parametrize("words", sorted(template_phrases()))
def test_each_template_phrase_renders_with_0_1_and_2(words: str) -> None:
    template = Template(f'{{{{ count|counted:"{words}" }}}}')
    rendered = tuple(
        html.unescape(template.render(Context({"count": count}))) for count in (0, 1, 2)
    )
    assert rendered == PHRASES[words]


@pytest.mark.parametrize("words", sorted(code_phrases()))
def test_each_code_phrase_reads_with_0_1_and_2(words: str) -> None:
    singular, _, plural = words.partition(";")
    assert tuple(counted(count, singular, plural) for count in (0, 1, 2)) == PHRASES[words]


def test_large_counts_are_separated_in_thousands_and_a_missing_count_is_not_shown() -> None:
    assert counted(1250, "entry") == "1,250 entries"
    assert Template('{{ count|counted:"day" }}').render(Context({"count": None})) == ""
    assert [plural_of(word) for word in ("day", "entry", "box", "match", "clear day")] == [
        "days",
        "entries",
        "boxes",
        "matches",
        "clear days",
    ]


# Plurals made by hand: Django's pluralize (which cannot make a verb agree, as in "6 clear day
# were") and conditional suffixes in Python.
HAND_MADE_IN_TEMPLATES = re.compile(r"\|pluralize")
HAND_MADE_IN_CODE = re.compile(
    r"""(["'])(?:s|y|ies|es)\1 if [^\n]*[!=]= 1 else|[!=]= 1 else (["'])"""
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_makes_its_own_plurals(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not HAND_MADE_IN_TEMPLATES.search(text), 'Use {{ count|counted:"noun" }}'


def test_no_code_makes_its_own_plurals() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in CODE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_MADE_IN_CODE.search(line)
    ]
    assert offenders == [], "Use cmr_portal.kernel.words.counted"
