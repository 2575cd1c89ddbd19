"""The monitoring figures for a scope (the panels a viewer may see, or chose, and a route) and a
period.

The refresh works out the figures of every financial year and quarter for every scope a page can
ask for (every panel or one, every route or one) and keeps them (``Summary``): such a page reads
two rows, its period's and its scope's standing figures (what is true now, the themes of every
year, the trend by quarter). Any other period (a run of months) or scope (a chair of two panels)
is counted from the tallies when asked, in one query.

A step's times are given as a median and a 90th percentile of whole working days, worked out
exactly from how many steps took each number of days, as PostgreSQL's ``percentile_cont`` and
Excel's ``PERCENTILE.INC`` work them out (linear between the two nearest values).
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q, Sum

from referrals.models import Timescale
from reviews.models import Figure, Refresh, ReviewTimescale, Summary, Tally
from reviews.monitoring.periods import Period, financial_year_of, trend_start

REFERRAL_STEPS = (
    Timescale.Step.ACKNOWLEDGE,
    Timescale.Step.INFORMATION_ANSWER,
    Timescale.Step.CMR_PANEL,
    Timescale.Step.CHAIR_DECISION,
)
REVIEW_STEPS = tuple(ReviewTimescale.Step)


@dataclass
class Distribution:
    """How many records had each value (working days); ``within``: how many were within their
    timescale, for steps."""

    counts: dict[int, int] = field(default_factory=dict)
    within: int = 0

    def add(self, value: int | None, count: int, within: int = 0) -> None:
        key = value or 0
        self.counts[key] = self.counts.get(key, 0) + count
        self.within += within

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def _at(self, rank: int) -> int:
        """The value of the record at ``rank`` (0 is the smallest)."""
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if rank < seen:
                return value
        raise IndexError(rank)

    def percentile(self, fraction: float) -> float | None:
        """The value below which ``fraction`` of the records lie, linear between the two
        nearest; None when there are no records."""
        n = self.n
        if n == 0:
            return None
        position = fraction * (n - 1)
        lower, upper = self._at(math.floor(position)), self._at(math.ceil(position))
        return lower + (upper - lower) * (position - math.floor(position))

    @property
    def median(self) -> float | None:
        return self.percentile(0.5)

    @property
    def p90(self) -> float | None:
        return self.percentile(0.9)

    @property
    def oldest(self) -> int | None:
        return max(self.counts) if self.counts else None

    @property
    def share_within(self) -> float | None:
        """The share done within their timescale, from 0 to 1; None without records."""
        n = self.n
        return None if n == 0 else self.within / n


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``panels`` the panels' keys (None: every panel, for SBNI staff);
    ``route`` a ``CaseRoute`` value, or "" for every route."""

    panels: tuple[int, ...] | None
    route: str = ""

    def tallies(self) -> "Q":
        where = Q()
        if self.panels is not None:
            where &= Q(panel_id__in=self.panels)
        if self.route:
            where &= Q(route=self.route)
        return where


@dataclass
class AgencyActions:
    """An agency's actions due in the period, by state, and the time to verify them."""

    name: str
    states: dict[str, int] = field(default_factory=dict)
    verified: Distribution = field(default_factory=Distribution)

    @property
    def total(self) -> int:
        return sum(self.states.values())


class TallyRow(NamedTuple):
    """Tallies summed over what the figures do not tell apart."""

    figure: str
    key: str
    label: str
    month: datetime.date | None
    agency_id: int | None
    agency_name: str
    value: int | None
    number: int
    on_time: int


# The code of the standing figures' summary, and the period their ``Figures`` are given.
STANDING = "standing"
NO_PERIOD = Period(datetime.date.min, datetime.date.min, "", "")
TALLY_FIELDS = ("figure", "key", "label", "month", "agency_id", "agency_name", "value")


@dataclass(frozen=True)
class Point:
    """A step's median working days in one quarter, and how many steps were done."""

    median: float | None
    n: int


def _distributions() -> dict[str, Distribution]:
    return defaultdict(Distribution)


@dataclass
class Figures:
    """Everything the monitoring page shows for a scope and a period. Keys are a step, a status,
    a stage, an outcome or a theme as ``Fact.key`` has them; ``labels`` names the outcomes, the
    themes and their pairs.

    Of the period: ``steps`` done, ``outcomes``, ``actions`` by agency, ``themes`` and ``pairs``.
    Standing: ``overdue``, ``referrals_open`` and ``reviews_open`` now, ``themes_by_year`` and the
    ``trend`` of each step by quarter (the first month of each)."""

    refresh: Refresh | None
    period: Period
    labels: dict[str, str] = field(default_factory=dict)
    steps: dict[str, Distribution] = field(default_factory=_distributions)
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    actions: dict[int, AgencyActions] = field(default_factory=dict)
    themes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pairs: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overdue: dict[str, Distribution] = field(default_factory=_distributions)
    referrals_open: dict[str, Distribution] = field(default_factory=_distributions)
    reviews_open: dict[str, Distribution] = field(default_factory=_distributions)
    themes_by_year: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    trend: dict[str, dict[datetime.date, Point]] = field(default_factory=dict)
    _quarters: dict[str, dict[datetime.date, Distribution]] = field(
        default_factory=lambda: defaultdict(_distributions_by_quarter), repr=False
    )

    def label(self, figure: str, key: str) -> str:
        return self.labels.get(f"{figure}:{key}", key)

    def agency(self, agency_id: int, name: str) -> AgencyActions:
        return self.actions.setdefault(agency_id, AgencyActions(name))

    def add(self, row: TallyRow, *, standing: bool, in_period: bool) -> None:
        """Count a row of tallies: into the standing figures (``standing``), into the period's
        (``in_period``), or both."""
        figure, key = row.figure, row.key
        if figure in (Figure.OUTCOME, Figure.THEME, Figure.THEME_PAIR):
            self.labels[f"{figure}:{key}"] = row.label
        if standing:
            if figure == Figure.THEME and row.month is not None:
                self.themes_by_year[key][financial_year_of(row.month)] += row.number
            elif row.month is None:
                now = {
                    Figure.OVERDUE: self.overdue,
                    Figure.REFERRAL_OPEN: self.referrals_open,
                    Figure.REVIEW_OPEN: self.reviews_open,
                }[Figure(figure)]
                now[key].add(row.value, row.number)
            elif figure == Figure.STEP:
                self._quarters[key][quarter_of(row.month)].add(row.value, row.number)
        if not in_period:
            return
        if figure == Figure.STEP:
            self.steps[key].add(row.value, row.number, row.on_time)
        elif figure == Figure.OUTCOME:
            self.outcomes[key] += row.number
        elif figure == Figure.ACTION:
            states = self.agency(row.agency_id or 0, row.agency_name).states
            states[key] = states.get(key, 0) + row.number
        elif figure == Figure.VERIFIED:
            self.agency(row.agency_id or 0, row.agency_name).verified.add(row.value, row.number)
        elif figure == Figure.THEME:
            self.themes[key] += row.number
        elif figure == Figure.THEME_PAIR:
            self.pairs[key] += row.number

    def finish(self) -> "Figures":
        """The trend's medians, once every row is counted."""
        for step, quarters in self._quarters.items():
            points = self.trend.setdefault(step, {})
            for quarter, done in quarters.items():
                points[quarter] = Point(done.median, done.n)
        self._quarters.clear()
        return self

    def standing(self) -> dict[str, Any]:
        """The standing figures as JSON."""
        return {
            "labels": {
                key: label for key, label in self.labels.items() if key.startswith("theme:")
            },
            "overdue": _dumped(self.overdue),
            "referrals_open": _dumped(self.referrals_open),
            "reviews_open": _dumped(self.reviews_open),
            "themes_by_year": {
                key: {str(year): number for year, number in years.items()}
                for key, years in self.themes_by_year.items()
            },
            "trend": {
                step: {
                    quarter.isoformat(): [point.median, point.n]
                    for quarter, point in points.items()
                }
                for step, points in self.trend.items()
            },
        }

    def of_period(self) -> dict[str, Any]:
        """The period's figures as JSON."""
        return {
            "labels": self.labels,
            "steps": _dumped(self.steps),
            "outcomes": self.outcomes,
            "actions": {
                str(agency_id): {
                    "name": actions.name,
                    "states": actions.states,
                    "verified": _dumped({"": actions.verified})[""],
                }
                for agency_id, actions in self.actions.items()
            },
            "themes": self.themes,
            "pairs": self.pairs,
        }

    @classmethod
    def loaded(
        cls, refresh: Refresh, period: Period, standing: dict[str, Any], of_period: dict[str, Any]
    ) -> "Figures":
        """The figures kept by a refresh (``standing`` and ``of_period`` as JSON)."""
        figures = cls(refresh, period)
        figures.labels.update(standing.get("labels", {}))
        figures.labels.update(of_period.get("labels", {}))
        figures.overdue.update(_loaded(standing.get("overdue", {})))
        figures.referrals_open.update(_loaded(standing.get("referrals_open", {})))
        figures.reviews_open.update(_loaded(standing.get("reviews_open", {})))
        for key, years in standing.get("themes_by_year", {}).items():
            figures.themes_by_year[key].update({int(year): n for year, n in years.items()})
        for step, points in standing.get("trend", {}).items():
            figures.trend[step] = {
                datetime.date.fromisoformat(quarter): Point(median, n)
                for quarter, (median, n) in points.items()
            }
        figures.steps.update(_loaded(of_period.get("steps", {})))
        figures.outcomes.update(of_period.get("outcomes", {}))
        for agency_id, actions in of_period.get("actions", {}).items():
            figures.actions[int(agency_id)] = AgencyActions(
                actions["name"], actions["states"], _loaded({"": actions["verified"]})[""]
            )
        figures.themes.update(of_period.get("themes", {}))
        figures.pairs.update(of_period.get("pairs", {}))
        return figures


def _distributions_by_quarter() -> dict[datetime.date, Distribution]:
    return defaultdict(Distribution)


def _dumped(distributions: dict[str, Distribution]) -> dict[str, Any]:
    return {
        key: {"counts": {str(value): n for value, n in each.counts.items()}, "within": each.within}
        for key, each in distributions.items()
    }


def _loaded(dumped: dict[str, Any]) -> dict[str, Distribution]:
    return {
        key: Distribution({int(value): n for value, n in each["counts"].items()}, each["within"])
        for key, each in dumped.items()
    }


def latest_refresh() -> Refresh | None:
    """The latest refresh that finished: the figures pages read; None before the first."""
    return Refresh.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


def quarter_of(month: datetime.date) -> datetime.date:
    """The first month of the financial quarter holding ``month`` (financial quarters start in
    April, July, October and January, as calendar quarters do)."""
    return datetime.date(month.year, month.month - (month.month - 1) % 3, 1)


def is_kept(scope: Scope, period: Period) -> bool:
    """Whether the refresh keeps this scope's and period's figures (``Summary``): a financial
    year or quarter, for every panel or one."""
    return ".." not in period.code and scope_is_kept(scope)


def scope_is_kept(scope: Scope) -> bool:
    """Whether the refresh keeps this scope's standing figures: every panel or one."""
    return scope.panels is None or len(scope.panels) == 1


def summary_key(scope: Scope) -> dict[str, Any]:
    """The ``Summary`` fields that name a scope it keeps (``scope_is_kept``)."""
    return {"panel_id": scope.panels[0] if scope.panels else None, "route": scope.route}


def read(scope: Scope, period: Period, refresh: Refresh | None) -> Figures:
    """The figures of ``scope`` for ``period`` kept by ``refresh`` (one query). For a period it
    does not keep (a range of months), the standing figures kept and the period's counted from
    its tallies (two queries); for a scope it does not keep (two panels), all counted from the
    tallies (one query)."""
    if refresh is None:
        return Figures(None, period)
    if scope_is_kept(scope):
        codes = (period.code, STANDING) if is_kept(scope, period) else (STANDING,)
        kept = {
            summary.code: summary.data
            for summary in Summary.objects.filter(code__in=codes, **summary_key(scope))
        }
        figures = Figures.loaded(refresh, period, kept.get(STANDING, {}), kept.get(period.code, {}))
        # The standing figures keep every quarter: the trend is the period's and those before
        # it that make eight, as counted below for any other period.
        first, last = trend_start(period), period.quarters[-1].first
        figures.trend = {
            step: {quarter: point for quarter, point in points.items() if first <= quarter <= last}
            for step, points in figures.trend.items()
        }
        if is_kept(scope, period):
            return figures
        counted = Q(month__gte=period.first, month__lte=period.last)
        standing = False
    else:
        figures = Figures(refresh, period)
        counted = (
            Q(month__isnull=True)
            # The trend's quarters whole, as the kept figures have them and their links list
            # them, though the period end within its last quarter.
            | Q(month__gte=trend_start(period), month__lte=period.quarters[-1].last)
            | Q(figure=Figure.THEME)
        )
        standing = True
    rows = (
        Tally.objects.filter(scope.tallies())
        .filter(counted)
        .values_list(*TALLY_FIELDS)
        .annotate(number=Sum("count"), on_time=Sum("within"))
        .order_by()
    )
    for values in rows:
        row = TallyRow(*values)
        in_period = row.month is not None and period.contains(row.month)
        figures.add(row, standing=standing, in_period=in_period)
    return figures.finish()


def summaries(rows: Iterable[tuple[Any, ...]]) -> Iterable[Summary]:
    """The figures of every financial year and quarter, and the standing figures, for every scope
    a page can ask for (every panel or one; every route or one), from every row of tallies
    (``TALLY_FIELDS`` with ``panel_id``, ``route``, ``count`` and ``within``)."""
    kept: dict[tuple[str, int | None, str], Figures] = {}

    def figures(code: str, panel: int | None, route: str, period: Period) -> Figures:
        found = kept.get((code, panel, route))
        if found is None:
            found = kept[code, panel, route] = Figures(None, period)
        return found

    for (
        figure,
        key,
        label,
        month,
        agency_id,
        agency_name,
        value,
        panel,
        route,
        number,
        on_time,
    ) in rows:
        row = TallyRow(figure, key, label, month, agency_id, agency_name, value, number, on_time)
        scopes = ((None, ""), (None, route), (panel, ""), (panel, route))
        standing = row.month is None or row.figure in (Figure.THEME, Figure.STEP)
        periods = []
        if row.month is not None:
            year = Period.financial_year(financial_year_of(row.month))
            periods = [year, next(q for q in year.quarters if q.contains(row.month))]
        for scope_panel, scope_route in scopes:
            if standing:
                figures(STANDING, scope_panel, scope_route, NO_PERIOD).add(
                    row, standing=True, in_period=False
                )
            for period in periods:
                figures(period.code, scope_panel, scope_route, period).add(
                    row, standing=False, in_period=True
                )
    for (code, panel, route), each in kept.items():
        each.finish()
        data = each.standing() if code == STANDING else each.of_period()
        yield Summary(code=code, panel_id=panel, route=route, data=data)
