"""The monitoring figures as tables, each with the chart drawn from it where people would rather
look than read: what the page shows (exact, every figure linked to its records) and what the
downloads hold (the same tables after ``disclosure.protect``).

A cell knows what it is: a ``COUNT`` of records, a ``TOTAL`` of its row's counts, or a ``STAT``
(a median, a percentile, a share) worked out from ``base`` records, revealing the counts in
``parts`` (a share within timescale reveals how many were and were not). That is what the
disclosure control reads.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from referrals.deadlines import IN_HAND
from reviews.models import Action, Figure, Review
from reviews.monitoring.charts import Chart, Series
from reviews.monitoring.facts import ACTION_STATES, OVERDUE, STEP_LABELS, WITHDRAWN
from reviews.monitoring.figures import REFERRAL_STEPS, REVIEW_STEPS, Distribution, Figures
from reviews.monitoring.periods import Period, financial_year_of, quarter_label, trend_quarters

COUNT, TOTAL, STAT = "count", "total", "stat"
NONE = "\N{EN DASH}"  # no records: nothing to work out
# A link to the records behind a figure: (figure, key, and the filters it adds) to an address.
Linker = Callable[..., str | None]


def days(value: float | None) -> str:
    """Working days as the tables show them: whole, or to one decimal place (a median between
    two values)."""
    if value is None:
        return NONE
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def number(value: int) -> str:
    """A count as the tables show it: 1,234."""
    return f"{value:,}"


@dataclass(frozen=True)
class Cell:
    """One figure: its value (None: no records), its words, the records behind it."""

    value: float | None
    text: str
    kind: str = COUNT
    link: str | None = None
    base: int = 0
    parts: tuple[int, ...] = ()
    suppressed: bool = False


def count(value: int, link: str | None = None, kind: str = COUNT) -> Cell:
    """A count (or a total) of records, linked to them unless there are none."""
    return Cell(value, number(value), kind, link if value else None)


def stat(value: float | None, text: str, base: int, link: str | None = None) -> Cell:
    """A median, percentile or age of ``base`` records, linked to them."""
    return Cell(value, text, STAT, link if base else None, base)


@dataclass(frozen=True)
class Row:
    header: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Plan:
    """The chart drawn from a table: its kind, the unit of its values, the columns that are its
    series (indexes into the cells), and the rows it leaves out (totals)."""

    kind: str
    unit: str
    series: tuple[int, ...]
    title: str
    # The series a bar chart's summary names the largest of (an index into ``series``).
    highlight: int = 0
    # A colour that means something for each series (``charts.MEANINGS``), or none.
    meanings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of figures: ``columns`` name the row header's column and then each cell's."""

    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    plan: Plan | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def grid(self) -> list[tuple[Row, list[tuple[Cell, str]]]]:
        """Each row with each of its cells beside its column's name, for the template."""
        return [(row, list(zip(row.cells, self.columns[1:], strict=True))) for row in self.rows]

    def chart(self) -> Chart | None:
        """The chart of the table, with its summary in words; None where the table has no chart,
        or no figure to draw (the table says there are no records: an empty chart would only
        show made-up axes)."""
        if self.plan is None:
            return None
        rows = [row for row in self.rows if not row.is_total]
        series = tuple(
            Series(
                name=self.columns[index + 1],
                values=tuple(
                    None if row.cells[index].suppressed else row.cells[index].value for row in rows
                ),
                links=tuple(row.cells[index].link for row in rows),
                texts=tuple(row.cells[index].text for row in rows),
                meaning=self.plan.meanings[turn] if self.plan.meanings else "",
            )
            for turn, index in enumerate(self.plan.series)
        )
        withheld = any(row.cells[index].suppressed for row in rows for index in self.plan.series)
        summary = describe(self.plan, [row.header for row in rows], series, withheld=withheld)
        if summary is None:
            return None
        return Chart(
            id=self.id,
            title=self.plan.title,
            summary=summary,
            kind=self.plan.kind,
            category_label=self.columns[0],
            categories=tuple(row.header for row in rows),
            unit=self.plan.unit,
            series=series,
        )


def describe(
    plan: Plan, categories: Sequence[str], series: Sequence[Series], *, withheld: bool = False
) -> str | None:
    """A chart's figures in a sentence or two, from what its table shows (so that a download's
    summary says no more than its protected table); None where there is no figure to draw (no
    value on a line, no bar longer than nothing). ``withheld``: some figures are not given
    (``disclosure``), so the largest is only the largest of those given."""
    if plan.kind == "line":
        parts = []
        for each in series:
            shown = [
                (category, text)
                for category, value, text in zip(categories, each.values, each.texts, strict=True)
                if value is not None
            ]
            if shown:
                (first, first_text), (last, last_text) = shown[0], shown[-1]
                later = f", {last_text} in {last}" if len(shown) > 1 else ""
                parts.append(f"{each.name}: {first_text} in {first}{later}")
        return "; ".join(parts) + "." if parts else None
    column = series[plan.highlight]
    bars = [
        (value, category, text)
        for category, value, text in zip(categories, column.values, column.texts, strict=True)
        if value
    ]
    if not bars:
        return None
    _, category, text = max(bars)
    most = f"most {column.name.lower()}: {category} ({text})."
    return f"Of the figures given, the {most}" if withheld else f"The {most}"


def _steps(figures: Figures, steps: Sequence[str], link: Linker, id: str, title: str) -> Table:
    rows = []
    for step in steps:
        done = figures.steps.get(step, Distribution())
        n, within, share = done.n, done.within, done.share_within
        overdue = figures.overdue.get(step, Distribution()).n
        late = link(Figure.STEP, step, within="no") if n > within else None
        rows.append(
            Row(
                str(STEP_LABELS[step]),
                (
                    count(n, link(Figure.STEP, step)),
                    stat(done.median, days(done.median), n, link(Figure.STEP, step)),
                    stat(done.p90, days(done.p90), n, link(Figure.STEP, step)),
                    Cell(
                        None if share is None else round(share * 100),
                        NONE if share is None else f"{share:.0%}",
                        STAT,
                        late,
                        n,
                        (within, n - within),
                    ),
                    count(overdue, link(Figure.OVERDUE, step)),
                ),
            )
        )
    columns = (
        "Step", "Done in the period", "Median (working days)", "90th percentile (working days)",
        "Done within timescale", "Overdue now",
    )  # fmt: skip
    return Table(id, title, columns, tuple(rows))


def _trend(figures: Figures, steps: Sequence[str], link: Linker, id: str, title: str) -> Table:
    """The median of each step by quarter: the period's quarters, or the eight up to its end."""
    rows = []
    for quarter in trend_quarters(figures.period):
        cells = []
        for step in steps:
            point = figures.trend.get(step, {}).get(quarter.first)
            median, n = (point.median, point.n) if point else (None, 0)
            cells.append(stat(median, days(median), n, link(Figure.STEP, step, period=quarter)))
        rows.append(Row(quarter_label(quarter.first), tuple(cells)))
    columns = ("Quarter", *(str(STEP_LABELS[step]) for step in steps))
    plan = Plan("line", "working days", tuple(range(len(steps))), title)
    return Table(id, title, columns, tuple(rows), plan)


def _open(
    distributions: dict[str, Distribution],
    keys: Sequence[tuple[str, str]],
    figure: str,
    link: Linker,
    id: str,
    title: str,
    noun: str,
) -> Table:
    rows = []
    for key, label in keys:
        ages = distributions.get(key, Distribution())
        rows.append(
            Row(
                label,
                (
                    count(ages.n, link(figure, key)),
                    stat(ages.median, days(ages.median), ages.n, link(figure, key)),
                    stat(ages.oldest, days(ages.oldest), ages.n, link(figure, key)),
                ),
            )
        )
    total = sum(distribution.n for distribution in distributions.values())
    rows.append(
        Row(
            "Total",
            (count(total, link(figure, ""), TOTAL), stat(None, "", 0), stat(None, "", 0)),
            True,
        )
    )
    columns = (
        "Where", noun.capitalize(), "Median age (working days)", "Oldest (working days)",
    )  # fmt: skip
    plan = Plan("bar", noun, (0,), title)
    return Table(id, title, columns, tuple(rows), plan)


def _outcomes(figures: Figures, link: Linker) -> Table:
    keys = sorted(
        figures.outcomes, key=lambda key: (key == WITHDRAWN, figures.label(Figure.OUTCOME, key))
    )
    rows = [
        Row(
            figures.label(Figure.OUTCOME, key),
            (count(figures.outcomes[key], link(Figure.OUTCOME, key)),),
        )
        for key in keys
    ]
    total = sum(figures.outcomes.values())
    rows.append(Row("Total", (count(total, link(Figure.OUTCOME, ""), TOTAL),), True))
    return Table(
        "outcomes",
        "Referrals decided or withdrawn in the period, by outcome",
        ("Outcome", "Referrals"),
        tuple(rows),
    )


ACTION_COLUMNS = (
    Action.Status.NOT_STARTED, Action.Status.ON_TRACK, Action.Status.AT_RISK, OVERDUE,
    Action.Status.COMPLETED, Action.Status.VERIFIED,
)  # fmt: skip


# The actions' red-amber-green: red overdue, amber at risk, green on track. The actions' list
# tags "at risk" in GOV.UK's yellow and "verified" in green (``Action.state``); a chart needs
# colours of 4.5:1 against white and two greens apart, so it uses amber and dark blue.
RAG = {
    Action.Status.NOT_STARTED: "grey",
    Action.Status.ON_TRACK: "green",
    Action.Status.AT_RISK: "amber",
    OVERDUE: "red",
    Action.Status.COMPLETED: "blue",
    Action.Status.VERIFIED: "dark-blue",
}


def _actions(figures: Figures, link: Linker) -> Table:
    rows = []
    totals = dict.fromkeys(ACTION_COLUMNS, 0)
    every = Distribution()
    for agency_id, actions in sorted(figures.actions.items(), key=lambda item: item[1].name):
        cells = []
        for state in ACTION_COLUMNS:
            value = actions.states.get(state, 0)
            totals[state] += value
            cells.append(count(value, link(Figure.ACTION, state, agency=agency_id)))
        verified = actions.verified
        for value, number in verified.counts.items():
            every.add(value, number)
        cells.append(count(actions.total, link(Figure.ACTION, "", agency=agency_id), TOTAL))
        cells.append(
            stat(
                verified.median,
                days(verified.median),
                verified.n,
                link(Figure.VERIFIED, "", agency=agency_id),
            )
        )
        rows.append(Row(actions.name, tuple(cells)))
    rows.append(
        Row(
            "All agencies",
            (
                *(
                    count(totals[state], link(Figure.ACTION, state), TOTAL)
                    for state in ACTION_COLUMNS
                ),
                count(sum(totals.values()), link(Figure.ACTION, ""), TOTAL),
                stat(every.median, days(every.median), every.n, link(Figure.VERIFIED, "")),
            ),
            True,
        )
    )
    columns = (
        "Agency", *(str(ACTION_STATES[state]) for state in ACTION_COLUMNS), "Total",
        "Median working days from approval to verification",
    )  # fmt: skip
    title = "Actions due in the period, by agency and state"
    plan = Plan(
        "stacked",
        "actions",
        tuple(range(len(ACTION_COLUMNS))),
        title,
        highlight=3,
        meanings=tuple(RAG[state] for state in ACTION_COLUMNS),
    )
    return Table("actions", title, columns, tuple(rows), plan)


# How many pairs of themes the page lists; how many themes, and over how many years up to the
# period's, the trend of themes shows.
PAIRS, THEMES_BY_YEAR, YEARS = 15, 6, 5


def _themes(figures: Figures, link: Linker) -> tuple[Table, Table, Table]:
    ranked = sorted(
        figures.themes, key=lambda key: (-figures.themes[key], figures.label(Figure.THEME, key))
    )
    in_period = Table(
        "themes",
        "Learning themes of the reviews opened in the period",
        ("Theme", "Reviews"),
        tuple(
            Row(
                figures.label(Figure.THEME, key),
                (count(figures.themes[key], link(Figure.THEME, key)),),
            )
            for key in ranked
        ),
    )
    pairs = sorted(
        figures.pairs, key=lambda key: (-figures.pairs[key], figures.label(Figure.THEME_PAIR, key))
    )[:PAIRS]
    together = Table(
        "themes-together",
        f"The {PAIRS} pairs of learning themes most often found in the same review, in the period",
        ("Themes", "Reviews with both"),
        tuple(
            Row(
                figures.label(Figure.THEME_PAIR, key),
                (count(figures.pairs[key], link(Figure.THEME_PAIR, key)),),
            )
            for key in pairs
        ),
    )
    last = financial_year_of(figures.period.last)
    years = list(range(last - YEARS + 1, last + 1))
    # The themes most often recorded over those years: a chart of more lines cannot be read.
    by_year = sorted(
        figures.themes_by_year,
        key=lambda key: (
            -sum(figures.themes_by_year[key].get(year, 0) for year in years),
            figures.label(Figure.THEME, key),
        ),
    )[:THEMES_BY_YEAR]
    # No theme recorded: no rows of years without a figure, and the table says so.
    rows = tuple(
        Row(
            f"{year} to {year + 1}",
            tuple(
                count(
                    figures.themes_by_year[key].get(year, 0),
                    link(Figure.THEME, key, period=Period.financial_year(year)),
                )
                for key in by_year
            ),
        )
        for year in (years if by_year else ())
    )
    title = (
        f"Reviews with each of the {THEMES_BY_YEAR} most frequent learning themes, by the "
        f"financial year they opened, over {YEARS} years"
    )
    plan = Plan("line", "reviews", tuple(range(len(by_year))), title)
    columns = ("Financial year", *(figures.label(Figure.THEME, key) for key in by_year))
    return in_period, together, Table("themes-by-year", title, columns, rows, plan)


def tables(figures: Figures, link: Linker) -> list[Table]:
    """Every table of the monitoring figures, in the page's order."""
    referral_trend_title = (
        "Median working days of each step of the SBNI's consideration, by quarter"
    )
    review_trend_title = "Median working days of each stage of the reviews, by quarter"
    in_period, together, by_year = _themes(figures, link)
    return [
        _steps(
            figures,
            REFERRAL_STEPS,
            link,
            "referral-steps",
            "Referrals: each step of the SBNI's consideration",
        ),
        _trend(figures, REFERRAL_STEPS, link, "referral-trend", referral_trend_title),
        _steps(figures, REVIEW_STEPS, link, "review-steps", "Reviews: each stage of the review"),
        _trend(figures, REVIEW_STEPS, link, "review-trend", review_trend_title),
        _open(
            figures.referrals_open,
            [(status, str(status.label)) for status in IN_HAND],
            Figure.REFERRAL_OPEN,
            link,
            "referrals-open",
            "Referrals in the SBNI's hands now, by status",
            "referrals",
        ),
        _open(
            figures.reviews_open,
            [(stage, str(stage.label)) for stage in Review.Stage if stage != Review.Stage.CLOSED],
            Figure.REVIEW_OPEN,
            link,
            "reviews-open",
            "Reviews open now, by stage",
            "reviews",
        ),
        _outcomes(figures, link),
        _actions(figures, link),
        in_period,
        together,
        by_year,
    ]


# The sections the monitoring page and the year's figures show the tables in (``Table.id``).
SECTIONS = {
    "timeliness": ("referral-steps", "referral-trend", "review-steps", "review-trend"),
    "pipeline": ("referrals-open", "reviews-open", "outcomes"),
    "actions": ("actions",),
    "themes": ("themes", "themes-together", "themes-by-year"),
}


def by_section(
    every: Sequence[Table], drawn: Mapping[str, SafeString]
) -> dict[str, list[tuple[Table, Chart | None, SafeString | None]]]:
    """Each section's tables, each with its chart (or None) and the chart's drawing from
    ``drawn`` (by the table's id; None where it was not drawn)."""
    return {
        section: [(table, table.chart(), drawn.get(table.id)) for table in every if table.id in ids]
        for section, ids in SECTIONS.items()
    }
