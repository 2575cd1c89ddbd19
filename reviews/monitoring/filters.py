"""Who may see which monitoring figures, and the choice of period, panel and route a page makes.

SBNI staff see every panel's figures; a panel's chair (``panels.monitor_panel``, granted with
the chair) sees their own panel's; anyone else gets the 404 of a page that is not there.
"""

import datetime
from collections.abc import Sequence
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from panels.access import granted
from panels.models import SBNI_STAFF, Panel, User
from reviews.models import CaseRoute, Figure, FiguresExport, Refresh
from reviews.monitoring.figures import Scope
from reviews.monitoring.periods import (
    MONTH_NAMES,
    Period,
    add_months,
    financial_year_of,
    month_name,
)


def monitored_panels(user: User) -> tuple[int, ...] | None:
    """The panels whose figures ``user`` may see: None for every panel (SBNI staff), else the
    keys of the panels they chair. Raises ``Http404`` for anyone who may see none."""
    if user.has_sbni_role(*SBNI_STAFF):
        return None
    chaired = tuple(granted(user, "panels.monitor_panel", Panel))
    if not chaired:
        raise Http404
    return chaired


def may_monitor(user: User) -> bool:
    """Whether the menu offers ``user`` the monitoring page."""
    return user.has_sbni_role(*SBNI_STAFF) or bool(granted(user, "panels.monitor_panel", Panel))


def first_month(refresh: Refresh | None, today: datetime.date) -> datetime.date:
    """The month of the earliest figures, or today where none are worked out yet."""
    return refresh.first_month if refresh and refresh.first_month else today


def year_choices(refresh: Refresh | None, today: datetime.date) -> list[tuple[str, str]]:
    """The financial years there are figures for, the current one first."""
    first = first_month(refresh, today)
    years = range(financial_year_of(today), financial_year_of(min(first, today)) - 1, -1)
    return [(str(year), Period.financial_year(year).label) for year in years]


QUARTERS = [("", "The whole year")] + [
    (f"q{number}", f"Quarter {number}: {MONTH_NAMES[3 * number % 12]} to {end}")
    for number, end in zip(range(1, 5), ("June", "September", "December", "March"), strict=True)
]


def choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of ``form``, typed as one."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def listed(form: forms.Form, name: str) -> list[tuple[str, str]]:
    """A choice field's options as (value, words)."""
    options = cast(list[tuple[object, object]], choices(form, name).choices)
    return [(str(value), str(text)) for value, text in options]


def chosen(what: str) -> dict[str, str]:
    """A choice's messages: the value sent is never repeated back."""
    return {
        "invalid_choice": f"Choose {what} from the list",
        "null_characters_not_allowed": f"Choose {what} from the list",
    }


class MonitoringFilter(forms.Form):
    """The period (a financial year, one of its quarters, or a range of months), the panel and
    the route of the figures. Unbound or invalid, it gives the current financial year, every
    panel the viewer may see and every route."""

    year = forms.ChoiceField(
        label="Financial year", required=False, error_messages=chosen("a year")
    )
    quarter = forms.ChoiceField(
        label="Quarter", choices=QUARTERS, required=False, error_messages=chosen("a quarter")
    )
    start = forms.ChoiceField(label="From", required=False, error_messages=chosen("a month"))
    end = forms.ChoiceField(label="To", required=False, error_messages=chosen("a month"))
    panel = forms.ChoiceField(label="Panel", required=False, error_messages=chosen("a panel"))
    route = forms.ChoiceField(
        label="Route",
        choices=[("", "Every route"), *CaseRoute.choices],
        required=False,
        error_messages=chosen("a route"),
    )

    def __init__(
        self,
        data: object,
        *,
        panels: Sequence[Panel],
        every_panel: bool,
        refresh: Refresh | None,
        today: datetime.date,
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.today = today
        first = first_month(refresh, today)
        choices(self, "year").choices = year_choices(refresh, today)
        months = []
        month = datetime.date(financial_year_of(first), 4, 1)
        while month <= today:
            months.append((f"{month:%Y-%m}", month_name(month)))
            month = add_months(month, 1)
        choices(self, "start").choices = [("", "Choose a month"), *months]
        choices(self, "end").choices = [("", "Choose a month"), *months]
        choices(self, "panel").choices = [
            *([("", "Every panel")] if every_panel or len(panels) > 1 else []),
            *((str(panel.pk), panel.name) for panel in panels),
        ]
        self.panels, self.every_panel = panels, every_panel

    @property
    def selects(self) -> list[tuple[forms.BoundField, list[tuple[str, str, bool]]]]:
        """The period's, panel's and route's lists, each with its options and which is chosen
        (worked out here: a template comparing each of 300 options costs milliseconds)."""
        return [
            self._options(name)
            for name in ("year", "quarter", "panel", "route")
            if len(listed(self, name)) > 1
        ]

    @property
    def range_selects(self) -> list[tuple[forms.BoundField, list[tuple[str, str, bool]]]]:
        return [self._options("start"), self._options("end")]

    def _options(self, name: str) -> tuple[forms.BoundField, list[tuple[str, str, bool]]]:
        field = self[name]
        chosen = str(field.value() or "")
        return field, [(value, text, value == chosen) for value, text in listed(self, name)]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("start")) != bool(cleaned.get("end")):
            self.add_error(
                "end" if cleaned.get("start") else "start",
                "Choose both the first and the last month of the range, or neither",
            )
        return cleaned

    def period(self) -> Period:
        """The period chosen, or the current financial year."""
        chosen = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if chosen.get("start") and chosen.get("end"):
            found = Period.parse(f"{chosen['start']}..{chosen['end']}")
        else:
            year = chosen.get("year") or str(financial_year_of(self.today))
            found = Period.parse(f"{year}-{chosen['quarter']}" if chosen.get("quarter") else year)
        return found or Period.financial_year(financial_year_of(self.today))

    def scope(self) -> Scope:
        """The panels and route chosen, within what the viewer may see."""
        chosen = self.cleaned_data if self.is_bound and self.is_valid() else {}
        panel = chosen.get("panel")
        if panel:
            panels: tuple[int, ...] | None = (int(panel),)
        elif self.every_panel:
            panels = None
        else:
            panels = tuple(each.pk for each in self.panels)
        return Scope(panels, chosen.get("route") or "")


class FiguresRequest(forms.Form):
    """The year's figures asked for: a financial year there are figures for (the current one
    when none is sent), and one of the panels the viewer may see, or every panel (none sent)
    for SBNI staff. A chair of one panel may leave the panel out: theirs is meant."""

    year = forms.ChoiceField(
        label="Financial year", required=False, error_messages=chosen("a year")
    )
    panel = forms.ChoiceField(label="Panel", required=False, error_messages=chosen("a panel"))

    def __init__(
        self,
        data: object,
        *,
        panels: Sequence[Panel],
        every_panel: bool,
        refresh: Refresh | None,
        today: datetime.date,
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        choices(self, "year").choices = year_choices(refresh, today)
        choices(self, "panel").choices = [
            ("", "Every panel"),
            *((str(each.pk), each.name) for each in panels),
        ]
        self.panels = {str(each.pk): each for each in panels}
        self.every_panel, self.today = every_panel, today

    def clean_year(self) -> int:
        return int(self.cleaned_data.get("year") or financial_year_of(self.today))

    def clean_panel(self) -> Panel | None:
        chosen = self.cleaned_data.get("panel") or ""
        if chosen:
            return self.panels[chosen]
        if self.every_panel:
            return None
        if len(self.panels) == 1:
            return next(iter(self.panels.values()))
        raise forms.ValidationError("Choose one of your panels")


def figures_exports(user: User) -> QuerySet[FiguresExport]:
    """The year's figures ``user`` may have: every one for SBNI staff, those of the panels they
    chair for a chair. Raises ``Http404`` for anyone who may see no figures."""
    allowed = monitored_panels(user)
    exports = FiguresExport.objects.select_related("panel", "pdf", "xlsx")
    return exports if allowed is None else exports.filter(panel_id__in=allowed)


class Links:
    """The addresses of the lists of records behind the figures of one page: the page's period,
    panel and route, and what each figure adds."""

    def __init__(self, period: Period, scope: Scope, chosen_panel: str) -> None:
        self.base = reverse("reviews:monitoring_records")
        self.query: dict[str, object] = {"period": period.code}
        if chosen_panel:
            self.query["panel"] = chosen_panel
        if scope.route:
            self.query["route"] = scope.route

    def __call__(
        self, figure: str, key: str, *, period: Period | None = None, **more: object
    ) -> str:
        """The list behind ``figure`` for ``key`` ("" for every key), in ``period`` rather than
        the page's where given; anything else (``agency``, ``within``) filters."""
        query = {**self.query, "figure": figure}
        if key:
            query["key"] = key
        if period is not None:
            query["period"] = period.code
        query.update({name: value for name, value in more.items() if value is not None})
        return f"{self.base}?{urlencode(query)}"


def page_address(period: Period, panel: str, route: str) -> str:
    """The monitoring page showing ``period``, ``panel`` and ``route`` (as ``Links`` put them in
    the address of a list of records): where that list goes back to."""
    if ".." in period.code:
        query = {"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}
    else:
        year, _, quarter = period.code.partition("-q")
        query = {"year": year, "quarter": f"q{quarter}" if quarter else ""}
    query.update(panel=panel, route=route)
    chosen = {name: value for name, value in query.items() if value}
    return f"{reverse('reviews:monitoring')}?{urlencode(chosen)}"


FIGURES = frozenset(Figure.values)


def record_key(value: str) -> int | None:
    """A panel's or an agency's key as an address gives it: up to 18 ASCII digits (within a
    bigint); None for anything else (superscripts are digits to ``str.isdigit`` that ``int``
    refuses, as it refuses thousands of digits)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)
