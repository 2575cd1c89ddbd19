"""The monitoring page's charts, drawn as SVG on the server and kept once drawn.

``spec`` turns a ``Chart`` into a Vega-Lite specification (Vega-Altair); ``draw_all`` draws it
as SVG (vl-convert) and keeps it in ``ChartDrawing`` under the SHA-256 of the specification,
which holds all the drawing depends on (figures, look, vl-convert's version): the same figures
are drawn once, whichever page or PDF shows them. ``templates/monitoring/_chart.html`` shows
the drawing and a table of the same figures.

The SVG has no script, no style and no address to fetch, so the Content-Security-Policy and
WeasyPrint's fetcher accept it inline; it keeps its width, height and viewBox, and the
stylesheets (``.portal-chart``) shrink it to the screen or page, its proportions kept.

Each series colour is from the GOV.UK palette, at least 3:1 against white (WCAG 1.4.11), and no
series is told apart by colour alone (WCAG 1.4.1): each has a point shape too, which the legend
shows in the series' order. A line draws its shape at each value and has dashes of its own; a
grouped bar carries its shape just above its end; a stacked bar's segment carries its shape in
white at its middle where it is wide enough, and segments are parted by white lines. Shapes
rather than dashed outlines or lighter fills, because a shape reads at any bar size, keeps the
colour's full contrast and is what the legend shows; the table gives every figure.

Text is Arial, Helvetica or sans-serif (browsers and WeasyPrint have one), 13 px or more.
Numbers are written by Python and by d3 in en-GB, never in the active locale. A value of None
has no mark: no zero bar, and a line breaks there.
"""

import functools
import hashlib
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import altair as alt
import vl_convert
from django.utils.safestring import SafeString, mark_safe

from reviews.models import ChartDrawing

_KINDS = ("line", "bar", "stacked")
# Each series' look, in the series' order: a colour of GOV.UK Frontend's palette, each at least
# 4.4:1 against white (blue, orange shade 25, black tint 25, magenta, green, purple, yellow shade
# 50, brown; red is left out, as it reads as a warning), a point shape and a line's dashes.
_STYLES = (
    ("#1d70b8", "circle", (1, 0)),
    ("#b7592a", "square", (8, 4)),
    ("#484949", "triangle-up", (2, 3)),
    ("#ca357c", "diamond", (8, 3, 2, 3)),
    ("#0f7a52", "cross", (12, 3)),
    ("#54319f", "triangle-down", (4, 4)),
    ("#806f00", "triangle-right", (2, 6)),
    ("#99704a", "triangle-left", (12, 3, 2, 3, 2, 3)),
)
_TEXT = "#0b0c0c"
_WIDTH = 480  # the plotting area's width, in pixels of the drawing
_ROW = 44  # a stacked bar's height with its gap: room for a name in two lines
_MARK_ROOM = 16  # the width a stacked bar's segment needs to hold its shape
# In the specification, so that a new vl-convert draws the same figures afresh.
_DRAWN_BY = f"vl-convert {version('vl-convert-python')}"


@dataclass(frozen=True)
class Series:
    """One line or set of bars: its name, one value per category (None: nothing to draw), the
    address of the records behind each value (or None), and optionally the text the table shows
    for each value (e.g. "fewer than 5" where a download suppressed it)."""

    name: str
    values: tuple[int | float | None, ...]
    links: tuple[str | None, ...] = ()
    texts: tuple[str, ...] = ()
    # A colour that means something of its own (red for overdue), instead of the series' turn in
    # the palette: one of ``MEANINGS``.
    meaning: str = ""


# Colours that carry a meaning, each at least 4.5:1 against white: the red-amber-green of a
# state (GOV.UK Frontend's red, orange shade 25, green; dark grey, blue and dark blue beside).
MEANINGS = {
    "red": "#d4351c",
    "amber": "#b7592a",
    "green": "#00703c",
    "grey": "#505a5f",
    "blue": "#1d70b8",
    "dark-blue": "#003078",
}


@dataclass(frozen=True)
class Cell:
    """A figure in a chart's table: its text ("" for no value and no text, shown as a dash read
    as "no records"), the address of its records or None, and its series and category."""

    text: str
    link: str | None
    series: str
    category: str


@dataclass(frozen=True)
class Chart:
    """A chart of figures by category. ``kind`` is "line" (a trend over the categories), "bar"
    (grouped vertical bars) or "stacked" (horizontal bars, one per category, split by series).
    ``id`` is the stem of its HTML ids; ``summary`` says in a sentence or two what it shows;
    ``unit`` titles the value axis. Raises ``ValueError`` for an unknown kind, more than 8
    series, two series or two categories of one name, a series without a name, or values, links
    or texts that are not one per category (links and texts may be left empty)."""

    id: str
    title: str
    summary: str
    kind: str
    category_label: str
    categories: tuple[str, ...]
    unit: str
    series: tuple[Series, ...]

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"A chart's kind is one of {_KINDS}, not {self.kind!r}.")
        if len(self.series) > len(_STYLES):
            raise ValueError(f"A chart has at most {len(_STYLES)} series to be read.")
        names = [series.name for series in self.series]
        if len(set(names)) < len(names) or len(set(self.categories)) < len(self.categories):
            raise ValueError("A chart's series have a name each, and its categories too.")
        count = len(self.categories)
        for series in self.series:
            if not series.name or len(series.values) != count:
                raise ValueError(f"Series {series.name!r} needs a name and {count} values.")
            if series.meaning and series.meaning not in MEANINGS:
                raise ValueError(f"Series {series.name!r}: no colour means {series.meaning!r}.")
            if len(series.links) not in (0, count) or len(series.texts) not in (0, count):
                raise ValueError(f"Series {series.name!r} needs {count} links and texts, or none.")

    @property
    def rows(self) -> tuple[tuple[str, tuple[Cell, ...]], ...]:
        """The table: for each category, its name and one cell per series."""
        return tuple(
            (category, tuple(_cell(series, index, category) for series in self.series))
            for index, category in enumerate(self.categories)
        )


def _cell(series: Series, index: int, category: str) -> Cell:
    text = series.texts[index] if series.texts else _written(series.values[index])
    return Cell(text, series.links[index] if series.links else None, series.name, category)


def _written(value: int | float | None) -> str:
    """A figure as the table writes it: whole numbers as they are, others to one decimal place,
    with commas between thousands whatever the locale."""
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _wrapped(category: str) -> str:
    """A category's name in lines of about 18 characters, so that a long name (an agency's)
    takes no more room across than a short one."""
    return "\n".join(textwrap.wrap(category, 18, break_long_words=False)) or category


def _largest(chart: Chart) -> int | float:
    """The longest stacked bar's length (1 where all are empty: a scale needs a length)."""
    totals = (
        sum(value for series in chart.series if (value := series.values[index]) is not None)
        for index in range(len(chart.categories))
    )
    return max(totals, default=0) or 1


def _records(chart: Chart) -> list[dict[str, Any]]:
    """The chart's data: a record per value drawn (and, for a line, per gap, to break it). A
    stacked bar's segments carry where they start and end, and whether their shape fits."""
    records = []
    largest = _largest(chart)
    for index, category in enumerate(chart.categories):
        start: int | float = 0
        for series in chart.series:
            value = series.values[index]
            if value is None and chart.kind != "line":
                continue
            record: dict[str, Any] = {
                "category": _wrapped(category),
                "series": series.name,
                "value": value,
                "about": f"{series.name}, {category}: {_written(value) or 'no value'}",
            }
            if chart.kind == "stacked" and value is not None:
                record.update(start=start, end=start + value, middle=start + value / 2)
                record["marked"] = value / largest * _WIDTH >= _MARK_ROOM
                start += value
            records.append(record)
    return records


def spec(chart: Chart) -> dict[str, Any]:
    """The chart's Vega-Lite specification (a JSON-able dict): data inline, the chart's title,
    and its summary as the description."""
    names = [series.name for series in chart.series]

    def style(channel: Any, column: int) -> Any:
        looks = [look[column] for look in _STYLES[: len(names)]]
        if column == 0:  # the colours: a meaning's own where a series has one
            looks = [
                MEANINGS[series.meaning] if series.meaning else look
                for series, look in zip(chart.series, looks, strict=True)
            ]
        scale = alt.Scale(domain=names, range=looks)
        legend = alt.Legend(title=None, orient="top", columns=2, labelLimit=280)
        return channel("series:N", scale=scale, legend=legend)

    categories = [_wrapped(category) for category in chart.categories]
    category: dict[str, Any] = {
        "shorthand": "category:N",
        "title": chart.category_label,
        "scale": alt.Scale(domain=categories),
        "sort": categories,
        "axis": alt.Axis(labelExpr="split(datum.label, '\\n')", labelAngle=0),
    }
    # A count's axis has no more ticks than its largest value, so that each is a whole number
    # (no "0.5 referrals"), and 8 at most, about as many as Vega would choose.
    values = [value for series in chart.series for value in series.values if value is not None]
    largest = _largest(chart) if chart.kind == "stacked" else max(values, default=1)
    whole = all(isinstance(value, int) for value in values)
    axis = alt.Axis(tickCount=max(1, min(int(largest), 8))) if whole else alt.Undefined
    value = alt.Y("value:Q", title=chart.unit, axis=axis)
    base = alt.Chart().encode(
        color=style(alt.Color, 0), shape=style(alt.Shape, 1), description="about:N"
    )
    drawing: alt.Chart | alt.LayerChart
    if chart.kind == "line":
        drawing = base.mark_line(
            strokeWidth=2.5, invalid="break-paths-show-domains", point=alt.OverlayMarkDef(size=80)
        ).encode(x=alt.X(**category), y=value, strokeDash=style(alt.StrokeDash, 2))
    elif chart.kind == "bar":
        bars = base.encode(
            x=alt.X(**category), xOffset=alt.XOffset("series:N", sort=names), y=value
        )
        drawing = alt.LayerChart(
            layer=[bars.mark_bar(), bars.mark_point(filled=True, opacity=1, size=70, yOffset=-9)]
        )
    else:
        across = alt.Scale(domain=[0, _largest(chart)], nice=False)
        bars = base.encode(
            y=alt.Y(**category),
            x=alt.X("start:Q", title=chart.unit, scale=across, axis=axis),
            x2="end:Q",
        )
        marks = bars.encode(x="middle:Q", color=alt.value("white")).transform_filter("datum.marked")
        drawing = alt.LayerChart(
            layer=[
                bars.mark_bar(stroke="white", strokeWidth=1.5, height=_ROW - 14),
                marks.mark_point(filled=True, opacity=1, size=70),
            ],
            height=alt.Step(_ROW),
        )
    specification: dict[str, Any] = (
        drawing.properties(
            data=alt.InlineData(values=_records(chart)),
            title=chart.title,
            description=chart.summary,
            width=_WIDTH,
            usermeta={"drawnBy": _DRAWN_BY},
        )
        .configure(font="Arial, Helvetica, sans-serif", background="white")
        .configure_view(stroke=None)
        .configure_title(fontSize=16, color=_TEXT, anchor="start", offset=12)
        .configure_axis(labelFontSize=13, titleFontSize=13, labelColor=_TEXT, titleColor=_TEXT)
        .configure_legend(labelFontSize=13, labelColor=_TEXT, symbolSize=120, symbolStrokeWidth=0)
        .to_dict()
    )
    return specification


@functools.lru_cache(maxsize=64)
def _canonical(chart: Chart) -> tuple[str, str]:
    """The chart's specification as canonical JSON, and its SHA-256; kept for the process's
    next request for the same figures, as Altair takes 10 to 40 ms to build a specification."""
    text = json.dumps(spec(chart), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def draw_all(charts: Sequence[Chart]) -> dict[str, SafeString]:
    """Each chart's SVG, by the chart's id. The drawings already kept are read in one query;
    the others are drawn by vl-convert (about 50 ms each, half a second more for a process's
    first) and kept. Two callers drawing the same chart at once both draw it; one row is kept."""
    canonical = {chart.id: _canonical(chart) for chart in charts}
    digests = {digest for _, digest in canonical.values()}
    kept = dict(ChartDrawing.objects.filter(digest__in=digests).values_list("digest", "svg"))
    drawn = []
    for text, digest in canonical.values():
        if digest not in kept:
            kept[digest] = vl_convert.vegalite_to_svg(
                text, format_locale="en-GB", allowed_base_urls=[]
            )
            drawn.append(ChartDrawing(digest=digest, svg=kept[digest]))
    ChartDrawing.objects.bulk_create(drawn, ignore_conflicts=True)
    # vl-convert escapes the text it draws: the SVG is safe to put in a page as it is.
    return {chart_id: mark_safe(kept[digest]) for chart_id, (_, digest) in canonical.items()}  # noqa: S308


def draw(chart: Chart) -> SafeString:
    """The chart's SVG (see ``draw_all``)."""
    return draw_all([chart])[chart.id]
