"""The monitoring charts (reviews/monitoring/charts.py): SVG drawn by vl-convert with no script,
style or address, kept under the digest of its specification, told apart by more than colour,
the same in any locale; shown with a table of the same figures (templates/monitoring/_chart.html),
and shrunk to the page in a PDF. All figures are invented."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import number_format

from cmr_portal.kernel.pdf import laid_out
from reviews.models import ChartDrawing
from reviews.monitoring.charts import MEANINGS, Chart, Series, draw, draw_all, spec

QUARTERS = ("2025 Q1", "2025 Q2", "2025 Q3")
AGENCIES = ("Police Service of Northern Ireland", "Education Authority", "Probation Board")


def trend(first: tuple[int | float | None, ...] = (12, None, 11.5)) -> Chart:
    return Chart(
        id="trend",
        title="Median working days to each step, by quarter",
        summary="The time from referral to decision fell.",
        kind="line",
        category_label="Quarter",
        categories=QUARTERS,
        unit="working days",
        series=(
            Series("Referral to decision", first),
            Series("Decision to terms of reference", (20, 1234.5, 19)),
        ),
    )


def opened() -> Chart:
    return Chart(
        id="opened",
        title="Reviews opened and closed, by year",
        summary="More reviews closed in 2025 than opened.",
        kind="bar",
        category_label="Year",
        categories=("2024", "2025"),
        unit="reviews",
        series=(
            Series("Opened", (7, 3), links=("/reviews/?opened=2024", "/reviews/?opened=2025")),
            Series("Closed", (None, 6), texts=("fewer than 5", "6")),
        ),
    )


def actions(*series: Series) -> Chart:
    return Chart(
        id="actions",
        title="Actions by agency, by state",
        summary="Most of the police's actions are in progress.",
        kind="stacked",
        category_label="Agency",
        categories=AGENCIES,
        unit="actions",
        series=series
        or (
            Series("Not started", (3, 1, None)),
            Series("In progress", (10, 2, 1)),
            Series("Completed", (None, 0, 2)),
        ),
    )


def many(count: int) -> tuple[Series, ...]:
    """Series enough to need every style, each name longer than the legend shows."""
    name = "A state of an action with a name longer than the legend has room for"
    return tuple(Series(f"{name}, {n}", (1, 2, 3)) for n in range(count))


def labels(svg: str) -> list[str]:
    """What the drawing says of each mark it draws for a value (points, bars and lines)."""
    return re.findall(
        r'aria-label="([^"]*)" role="graphics-symbol" '
        r'aria-roledescription="(?:point|bar|line mark)"',
        svg,
    )


def encodings(specification: Any) -> Iterator[dict[str, Any]]:
    """Every encoding of a specification, its layers' included."""
    if isinstance(specification, dict):
        if isinstance(specification.get("encoding"), dict):
            yield specification["encoding"]
        for value in specification.values():
            yield from encodings(value)
    elif isinstance(specification, list):
        for value in specification:
            yield from encodings(value)


def contrast(colour: str) -> float:
    """WCAG 2.2's contrast ratio between a colour written #rrggbb and white."""
    red, green, blue = (
        value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
        for value in (int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5))
    )
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


KINDS = [trend(), opened(), actions()]


@pytest.mark.django_db
@pytest.mark.parametrize("chart", KINDS, ids=lambda chart: chart.kind)
def test_each_kind_is_drawn_as_svg_with_its_title(chart: Chart) -> None:
    svg = draw(chart)
    assert re.match(r'<svg [^>]*width="\d+" height="\d+" viewBox="0 0 \d+ \d+"', svg)
    assert f">{chart.title}</text>" in svg
    assert 'font-family="Arial, Helvetica, sans-serif"' in svg
    assert min(int(size) for size in re.findall(r'font-size="(\d+)px"', svg)) >= 13


# What would run a script, style the page against its Content-Security-Policy or fetch anything
# (as markup: the same words in text, escaped, are harmless).
FORBIDDEN = [
    r"<script",
    r"<style",
    r'\sstyle="',
    r'href="',
    r"url\(",
    r"@import",
    r"<image",
    r"<foreignobject",
    r'\son[a-z]+="',
]


@pytest.mark.django_db
@pytest.mark.parametrize("chart", KINDS, ids=lambda chart: chart.kind)
def test_the_drawing_has_no_script_no_style_and_no_address(chart: Chart) -> None:
    svg = draw(chart).lower()
    assert [pattern for pattern in FORBIDDEN if re.search(pattern, svg)] == []
    # The only addresses are the names of SVG's own namespaces, which nothing fetches.
    assert re.findall(r"https?://[^\"]*", svg) == [
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    ]


@pytest.mark.django_db
def test_words_that_look_like_markup_are_drawn_as_words() -> None:
    chart = Chart(
        "hostile", "<script>alert(1)</script>", "<b>x</b>", "stacked", "A",
        ("<img src=x onerror=alert(1)>",), "a & b", (Series("<style>", (1,)),),
    )  # fmt: skip
    svg = draw(chart).lower()
    assert [pattern for pattern in FORBIDDEN if re.search(pattern, svg)] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


@pytest.mark.django_db
def test_a_kept_drawing_is_read_in_one_query_and_not_drawn_again() -> None:
    first = draw_all([trend(), opened()])
    assert ChartDrawing.objects.count() == 2
    with CaptureQueriesContext(connection) as queries:
        again = draw_all([trend(), opened()])
    assert again == first
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT"]
    assert ChartDrawing.objects.count() == 2


@pytest.mark.django_db
def test_changed_figures_are_drawn_and_kept_anew() -> None:
    before, after = trend(), trend(first=(12, None, 11.6))
    assert spec(before) != spec(after)
    assert draw(before) != draw(after)
    assert "Referral to decision, 2025 Q3: 11.6" in labels(draw(after))
    assert ChartDrawing.objects.count() == 2


@pytest.mark.django_db
def test_a_value_of_none_is_not_drawn() -> None:
    line, bars, stacked = draw(trend()), draw(opened()), draw(actions())
    assert "Referral to decision, 2025 Q1: 12" in labels(line)
    assert not [label for label in labels(line) if "decision, 2025 Q2" in label]
    # The line breaks where its value is missing: two pieces, not one across the gap.
    path = re.search(r'aria-label="Referral to decision[^"]*"[^>]*line mark" d="([^"]*)"', line)
    assert path
    assert path.group(1).count("M") == 2
    assert "Closed, 2025: 6" in labels(bars)
    assert not [label for label in labels(bars) if label.startswith("Closed, 2024")]
    assert "In progress, Police Service of Northern Ireland: 10" in labels(stacked)
    assert not [label for label in labels(stacked) if label.startswith("Completed, Police")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["bar", "stacked"])
def test_a_count_is_marked_in_whole_numbers(kind: str) -> None:
    """One referral: the axis reads 0 and 1, never "0.5 referrals"; working days keep their
    fractions."""
    chart = replace(actions(Series("Referrals", (1, 0, None))), kind=kind)
    assert set(re.findall(r">(\d+(?:\.\d+)?)</text>", draw(chart))) == {"0", "1"}
    halves = replace(chart, series=(Series("Median", (1.0, 0.0, None)),))
    assert "0.5" in re.findall(r">(\d+(?:\.\d+)?)</text>", draw(halves))


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_every_series_colour_has_3_to_1_against_white(kind: str) -> None:
    chart = replace(actions(*many(8)), kind=kind)
    colours = {
        colour
        for encoding in encodings(spec(chart))
        for colour in encoding.get("color", {}).get("scale", {}).get("range", [])
    }
    assert len(colours) == 8
    assert min(contrast(colour) for colour in colours) >= 3


def test_a_series_with_a_meaning_takes_its_colour_and_keeps_its_shape() -> None:
    """The actions' red-amber-green: overdue is red whatever its turn, at 4.5:1 against white."""
    chart = actions(*many(3))
    meant = replace(
        chart, series=(chart.series[0], replace(chart.series[1], meaning="red"), chart.series[2])
    )
    colour = next(
        encoding["color"]["scale"]["range"]
        for encoding in encodings(spec(meant))
        if "color" in encoding
    )
    plain = next(
        encoding["color"]["scale"]["range"]
        for encoding in encodings(spec(chart))
        if "color" in encoding
    )
    assert colour[1] == MEANINGS["red"] != plain[1]
    assert colour[0] == plain[0]
    assert all(contrast(value) >= 4.5 for value in MEANINGS.values())
    with pytest.raises(ValueError, match="no colour means"):
        replace(chart, series=(replace(chart.series[0], meaning="scarlet"), *chart.series[1:]))


def test_more_series_than_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 8 series"):
        actions(*many(9))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_series_differ_by_more_than_colour(kind: str) -> None:
    chart = replace(actions(*many(8)), kind=kind)
    specification = spec(chart)
    names = [series.name for series in chart.series]
    shapes = [
        encoding["shape"]["scale"] for encoding in encodings(specification) if "shape" in encoding
    ]
    assert shapes
    assert all(scale["domain"] == names for scale in shapes)
    assert all(len(set(scale["range"])) == 8 for scale in shapes)
    # A point mark draws the shape (a line's points, a bar's mark above it or on it).
    marks = [layer["mark"] for layer in specification.get("layer", [specification])]
    assert [mark for mark in marks if mark["type"] == "point" or mark.get("point")]
    if kind == "line":
        (dashes,) = [encoding["strokeDash"]["scale"] for encoding in encodings(specification)]
        assert dashes["domain"] == names
        assert len({tuple(dash) for dash in dashes["range"]}) == 8
        drawn = re.findall(
            r'line mark" d="[^"]*" stroke="[^"]*" stroke-width="[^"]*" stroke-dasharray="([^"]*)"',
            draw(chart),
        )
        assert len(set(drawn)) == 8


class Figure(HTMLParser):
    """The include as a reader meets it: the ids on the page, what names the image, the table's
    rows (each cell's words, hidden ones included), its header cells' scopes and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.image_named_by = ""
        self.rows: list[list[str]] = []
        self.scopes: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._cell: list[str] = []
        self._scope = ""
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if attributes.get("role") == "img":
            self.image_named_by = attributes["aria-labelledby"]
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell, self._scope = [], attributes.get("scope", "")
        elif tag == "a":
            self._href = attributes["href"]

    def handle_data(self, data: str) -> None:
        self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        words = " ".join("".join(self._cell).split())
        if tag in ("th", "td"):
            self.rows[-1].append(words)
            if tag == "th":
                self.scopes[words] = self._scope
        elif tag == "a":
            self.links[self._href] = words


def shown(chart: Chart, svg: str = "<svg></svg>") -> tuple[str, Figure]:
    html = render_to_string("monitoring/_chart.html", {"chart": chart, "svg": svg})
    figure = Figure()
    figure.feed(html)
    return html, figure


def test_the_figure_names_its_image_and_tables_every_figure() -> None:
    html, figure = shown(opened())
    assert '<figure class="portal-chart" id="chart-opened">' in html
    assert figure.image_named_by.split() == ["opened-title", "opened-summary"]
    assert {"opened-title", "opened-summary"} <= figure.ids
    assert figure.rows == [
        ["Year", "Opened", "Closed"],
        ["2024", "7 (Opened, 2024)", "fewer than 5"],
        ["2025", "3 (Opened, 2025)", "6"],
    ]
    assert figure.scopes == {
        "Year": "col",
        "Opened": "col",
        "Closed": "col",
        "2024": "row",
        "2025": "row",
    }
    assert figure.links == {
        "/reviews/?opened=2024": "7 (Opened, 2024)",
        "/reviews/?opened=2025": "3 (Opened, 2025)",
    }
    assert "Figures in the chart: Reviews opened and closed, by year</caption>" in html


def test_a_figure_with_no_value_and_no_text_reads_as_no_records() -> None:
    html, figure = shown(trend())
    assert figure.rows[1:] == [
        ["2025 Q1", "12", "20"],
        ["2025 Q2", "\N{EN DASH}no records", "1,234.5"],
        ["2025 Q3", "11.5", "19"],
    ]
    assert (
        '<span class="portal-chart__none" aria-hidden="true">\N{EN DASH}</span>'
        '<span class="govuk-visually-hidden">no records</span>'
    ) in html


@contextmanager
def german() -> Iterator[None]:
    """German formats in force: a comma before decimals, points between thousands. The portal
    has USE_I18N off, and Django keeps serving the translation functions it chose on first use
    until they are forgotten (as django.utils.translation.Trans says), before and after."""
    chosen = translation._trans.__dict__  # type: ignore[attr-defined]
    with override_settings(USE_I18N=True, USE_THOUSAND_SEPARATOR=True):
        chosen.clear()
        with translation.override("de"):
            yield
    chosen.clear()


@pytest.mark.django_db
def test_the_drawing_and_table_are_the_same_in_a_comma_decimal_locale() -> None:
    with german():
        assert number_format(1234.5) == "1.234,5"  # the German formats are in force
        drawn_in_german = draw(trend())
        german_spec = spec(trend())
        german_rows = shown(trend(), drawn_in_german)[1].rows
    ChartDrawing.objects.all().delete()
    assert spec(trend()) == german_spec
    assert draw(trend()) == drawn_in_german  # drawn again, outside the German locale
    assert german_rows == shown(trend())[1].rows
    assert "1,234.5" in german_rows[2]


@pytest.mark.django_db
def test_a_wide_drawing_shrinks_to_the_printed_page() -> None:
    chart = actions(*many(8))
    svg = draw(chart)
    size = re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
    assert size
    width, height = int(size.group(1)), int(size.group(2))
    document = laid_out(
        Template(
            '{% extends "pdf/base.html" %}{% block document %}'
            '{% include "monitoring/_chart.html" %}{% endblock %}'
        ).render(Context({"chart": chart, "svg": svg, "title": chart.title}))
    )
    page = document.pages[0]._page_box  # WeasyPrint's laid-out boxes: no public API gives them
    (drawing,) = [box for box in page.descendants() if (box.element_tag or "").endswith("}svg")]
    assert width > page.width >= drawing.width
    assert drawing.height == pytest.approx(drawing.width * height / width, rel=0.01)
