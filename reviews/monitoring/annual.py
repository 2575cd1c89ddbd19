"""The year's figures (issue 20): every monitoring table of a financial year, for every panel
or one, made safe to leave the portal (``disclosure.protect``), as a PDF and an XLSX, for the
SBNI's annual report and its returns to the Department of Health.

A worker makes them (``reviews.tasks.render_figures_export``); they are kept under
``Annual.content_hash``, which holds all they show: the protected tables, the year, the panel
and the refresh that worked the figures out (its time is printed). Each chart is drawn from its
protected table, so that no value hidden in the table is drawn; a chart with nothing but zeros
and figures not given is left out, its table kept.

The XLSX has an "About" sheet (the year, the panels, when the figures were worked out, the key to
the marks) and then a sheet per table, its title above it. Counts are numbers, shares are
numbers formatted as percentages, and a figure not given is the table's words ("fewer than 5",
"hidden"). Every text is written as text, never as a formula, whatever it begins with.
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils import dateformat, timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cmr_portal.kernel.pdf import html_to_pdf, render_html
from panels.models import Panel
from reviews.models import Refresh
from reviews.monitoring import charts
from reviews.monitoring.disclosure import protect
from reviews.monitoring.figures import Scope, read
from reviews.monitoring.periods import Period
from reviews.monitoring.tables import Cell, Table, by_section, tables

# Each table's sheet in the XLSX (at most 31 characters, as Excel allows), by its id.
SHEETS = {
    "referral-steps": "Referral steps",
    "referral-trend": "Referral steps by quarter",
    "review-steps": "Review stages",
    "review-trend": "Review stages by quarter",
    "referrals-open": "Referrals in progress",
    "reviews-open": "Reviews in progress",
    "outcomes": "Outcomes of referrals",
    "actions": "Actions by agency",
    "themes": "Learning themes",
    "themes-together": "Learning themes together",
    "themes-by-year": "Learning themes by year",
}
BOLD = Font(bold=True)


def for_whom(panel: Panel | None) -> str:
    """The panel's name, or "every panel"."""
    return panel.name if panel is not None else "every panel"


def _no_link(*_: object, **__: object) -> None:
    """The downloads link to no record."""
    return None


@dataclass(frozen=True)
class Annual:
    """The protected tables of ``year`` (2025: April 2025 to March 2026) for ``panel`` (None:
    every panel), as ``refresh`` worked them out."""

    year: int
    panel: Panel | None
    refresh: Refresh
    tables: tuple[Table, ...]

    @property
    def period(self) -> Period:
        return Period.financial_year(self.year)

    @property
    def scope_label(self) -> str:
        return self.panel.name if self.panel is not None else "Every panel"

    @property
    def worked_out(self) -> str:
        """When the figures were worked out, in words: "09:05 on 20 May 2025"."""
        assert self.refresh.finished_at is not None
        local = timezone.localtime(self.refresh.finished_at)
        return f"{dateformat.format(local, 'H:i')} on {dateformat.format(local, 'j F Y')}"

    @property
    def notes(self) -> list[str]:
        """The key to the marks of every table, each once, in order."""
        return list(dict.fromkeys(note for table in self.tables for note in table.notes))

    @property
    def content_hash(self) -> str:
        """The SHA-256 of all the documents show (hexadecimal)."""
        shown: dict[str, Any] = {
            "year": self.year,
            "panel": self.panel.pk if self.panel is not None else None,
            "refresh": [self.refresh.pk, self.worked_out],
            "marking": settings.PROTECTIVE_MARKING,
            "tables": [asdict(table) for table in self.tables],
        }
        text = json.dumps(shown, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def filename(self, extension: str) -> str:
        """``monitoring-figures-2025-26-every-panel.pdf``; the panel's code for one panel."""
        who = self.panel.code.lower() if self.panel is not None else "every-panel"
        return f"monitoring-figures-{self.year}-{(self.year + 1) % 100:02d}-{who}.{extension}"

    def pdf(self) -> bytes:
        """The PDF: a cover, the key to the marks, and each table with its chart."""
        drawable = [
            chart
            for table in self.tables
            if (chart := table.chart()) is not None
            and any(value for series in chart.series for value in series.values)
        ]
        html = render_html(
            "pdf/monitoring_figures.html",
            {
                "title": f"Monitoring figures: {self.period.label}",
                "reference": f"Monitoring figures {self.year} to {self.year + 1}, "
                f"{self.scope_label}",
                "annual": self,
                "sections": by_section(self.tables, charts.draw_all(drawable)),
            },
        )
        return html_to_pdf(html)

    def xlsx(self) -> bytes:
        """The XLSX: the "About" sheet, then a sheet per table."""
        book = Workbook(write_only=True)
        about = self._sheet(book, "About", width=28)
        for line in (
            [
                self._bold(
                    about, "Monitoring figures of the Safeguarding Board for Northern Ireland"
                )
            ],
            [settings.PROTECTIVE_MARKING],
            [],
            ["Financial year", self.period.label],
            ["Panels", self.scope_label],
            ["Worked out", f"{self.worked_out}, from every case as it stood then"],
            [
                "Working days",
                "Weekends and Northern Ireland's bank holidays are left out, and so are time "
                "waiting for a panel's answers and time a review's clock stood paused.",
            ],
            [],
            [self._bold(about, "Key to the marks")],
            *([note] for note in self.notes),
            [],
            [self._bold(about, "Sheet"), self._bold(about, "Table")],
            *([SHEETS[table.id], table.title] for table in self.tables),
        ):
            about.append([self._text(about, value) for value in line])
        for table in self.tables:
            sheet = self._sheet(book, SHEETS[table.id], width=36)
            sheet.append([self._bold(sheet, table.title)])
            sheet.append([])
            sheet.append([self._bold(sheet, column) for column in table.columns])
            for row in table.rows:
                header = self._bold(sheet, row.header) if row.is_total else row.header
                sheet.append(
                    [self._text(sheet, header), *(self._figure(sheet, cell) for cell in row.cells)]
                )
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    @staticmethod
    def _sheet(book: Workbook, name: str, *, width: int) -> Any:
        """A write-only sheet whose first column is ``width`` characters wide, the others 16,
        and which prints with the protective marking at its head and foot. (Any: openpyxl's
        stubs miss the widths and the head and foot a write-only sheet has.)"""
        sheet = book.create_sheet(name)
        sheet.column_dimensions["A"].width = width
        for column in "BCDEFGHI":
            sheet.column_dimensions[column].width = 16
        sheet.oddHeader.center.text = settings.PROTECTIVE_MARKING
        sheet.oddFooter.center.text = settings.PROTECTIVE_MARKING
        return sheet

    @staticmethod
    def _text(sheet: WriteOnlyWorksheet, value: object) -> object:
        """Text as text, even when it starts as a formula would ("=", "+", "-", "@")."""
        return Annual._string(sheet, value) if isinstance(value, str) else value

    @staticmethod
    def _string(sheet: WriteOnlyWorksheet, text: str) -> SheetCell:
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        return cell

    @classmethod
    def _bold(cls, sheet: WriteOnlyWorksheet, text: str) -> SheetCell:
        cell = cls._string(sheet, text)
        cell.font = BOLD
        return cell

    @classmethod
    def _figure(cls, sheet: WriteOnlyWorksheet, cell: Cell) -> object:
        """A figure as a number (working days to one decimal place); a share as a number
        formatted as a percentage; a figure not given, or no figure, as the table's words."""
        if cell.value is None:
            return cls._text(sheet, cell.text)
        if cell.text.endswith("%"):  # a share: the table holds it in percentage points
            share = WriteOnlyCell(sheet, cell.value / 100)
            share.number_format = "0%"
            return share
        # To one decimal place, as the table shows it (2.6, not 2.600000000000001).
        return round(cell.value, 1) if isinstance(cell.value, float) else cell.value


def annual(year: int, panel: Panel | None, refresh: Refresh) -> Annual:
    """The protected tables of ``year`` for ``panel`` (None: every panel) as ``refresh`` worked
    them out (one or two queries)."""
    scope = Scope(None if panel is None else (panel.pk,))
    figures = read(scope, Period.financial_year(year), refresh)
    return Annual(
        year, panel, refresh, tuple(protect(table) for table in tables(figures, _no_link))
    )
