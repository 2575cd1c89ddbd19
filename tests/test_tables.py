"""Data tables (cmr_portal/kernel/tables.py): each in a scrolling region that takes focus and is
named by the table's caption, so that at 320 pixels wide the table scrolls, never the page."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def render(source: str, **context: object) -> str:
    return Template("{% load tables %}" + source).render(Context(context))


def test_a_table_scrolls_in_a_region_named_by_its_caption() -> None:
    html = render(
        '{% data_table %}{% caption "s" %}{{ count }} referral{{ count|pluralize }}{% endcaption %}'
        "<tbody><tr><td>{{ child }}</td></tr></tbody>{% enddata_table %}",
        count=2,
        child="<b>AB</b>",
    )
    assert html == (
        '<div class="portal-table-region" role="region" aria-labelledby="table-2-referrals" '
        'tabindex="0"><table class="govuk-table">'
        '<caption class="govuk-table__caption govuk-table__caption--s" id="table-2-referrals">'
        "2 referrals</caption><tbody><tr><td>&lt;b&gt;AB&lt;/b&gt;</td></tr></tbody></table></div>"
    )


def test_a_caption_is_escaped_once() -> None:
    html = render(
        "{% data_table %}{% caption %}{{ title }}{% endcaption %}{% enddata_table %}",
        title="The SBNI's <figures> & more",
    )
    assert ">The SBNI&#x27;s &lt;figures&gt; &amp; more</caption>" in html


def test_a_hidden_caption_still_names_the_region() -> None:
    html = render(
        '{% data_table %}{% caption "hidden" %}Agenda of the meeting{% endcaption %}'
        "{% enddata_table %}"
    )
    assert 'aria-labelledby="table-agenda-of-the-meeting"' in html
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden" '
        'id="table-agenda-of-the-meeting">Agenda of the meeting</caption>' in html
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% data_table %}<tbody></tbody>{% enddata_table %}", "must start with {% caption %}"),
        (
            "{% data_table %}<thead></thead>{% caption %}Late{% endcaption %}{% enddata_table %}",
            "must start with {% caption %}",
        ),
        (
            '{% data_table %}{% caption "xl" %}Big{% endcaption %}{% enddata_table %}',
            "takes one of",
        ),
        (
            '{% data_table "wide" %}{% caption %}A{% endcaption %}{% enddata_table %}',
            "no arguments",
        ),
    ],
)
def test_a_table_without_a_caption_does_not_compile(source: str, message: str) -> None:
    with pytest.raises(TemplateSyntaxError, match=re.escape(message)):
        render(source)


def test_every_table_of_the_pages_is_a_data_table() -> None:
    """A table written as plain HTML would push the page wider at 320 pixels: none is, outside
    the PDF templates (printed on A4, never on a screen)."""
    plain = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "pdf" not in path.relative_to(TEMPLATES).parts and "<table" in path.read_text()
    ]
    assert plain == []
    with_tables = [
        path for path in TEMPLATES.rglob("*.html") if "{% data_table %}" in path.read_text()
    ]
    assert len(with_tables) >= 14
    for path in with_tables:
        get_template(str(path.relative_to(TEMPLATES)))  # each compiles: every table has a caption
