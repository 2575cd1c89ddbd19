"""The integrated chronology from a file: CSV or XLSX in, a row-by-row report, CSV out.

A file with any bad row imports nothing. The chronology never holds half a file, so the
reviewer corrects the file and imports it again without making duplicates of the good rows.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from openpyxl import load_workbook

from panels.models import Agency
from reviews.models import ChronologyEntry

COLUMNS = ["Date", "End date", "Agency", "Event", "Source document", "Significance", "Notes"]
MAX_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowReport:
    number: int  # as the spreadsheet counts, the heading being row 1
    problems: list[str]


class ImportRefused(Exception):
    """The file cannot be read as a chronology at all; the message says why."""


def _rows(upload: UploadedFile) -> list[list[Any]]:
    """Every row of the first sheet or of the CSV file, read in full inside the checks."""
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(upload, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            # Read the real extent, not the size the file claims, which some tools write wrongly.
            sheet.reset_dimensions()
            return [list(row) for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)]
        except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
            raise ImportRefused("The file is not a readable XLSX spreadsheet.") from error
    if name.endswith(".csv"):
        try:
            text = upload.read().decode("utf-8-sig")
            return list(islice(csv.reader(io.StringIO(text)), MAX_ROWS + 2))
        except UnicodeDecodeError as error:
            raise ImportRefused("Save the CSV file as UTF-8 and try again.") from error
        except csv.Error as error:
            raise ImportRefused(f"The CSV file cannot be read: {error}.") from error
    raise ImportRefused("Choose a CSV or XLSX file.")


def _date(value: Any, label: str, problems: list[str]) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    problems.append(f"{label} must be a real date, like 2025-03-27 or 27/03/2025")
    return None


def _agencies() -> dict[str, Agency]:
    known: dict[str, Agency] = {}
    for agency in Agency.objects.filter(active=True):
        for name in (agency.name, agency.short_name):
            if name.strip():
                known[name.strip().lower()] = agency
    return known


def _significance(value: Any, problems: list[str]) -> str:
    text = str(value or "").strip().lower()
    for choice, label in ChronologyEntry.Significance.choices:
        if text in (choice, label.lower()):
            return choice
    names = ", ".join(label for _, label in ChronologyEntry.Significance.choices)
    problems.append(f"Significance must be one of: {names}")
    return ""


def _text(value: Any, label: str, limit: int, problems: list[str], required: bool) -> str:
    text = str(value or "").strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]  # as the export wrote it, to keep a spreadsheet from running it
    if required and not text:
        problems.append(f"Enter the {label.lower()}")
    if len(text) > limit:
        problems.append(f"The {label.lower()} must be {limit} characters or fewer")
    return text


def read(upload: UploadedFile) -> tuple[list[dict[str, Any]], list[RowReport]]:
    """The rows as entries' values, and a report of every row with problems."""
    rows = iter(_rows(upload))
    heading = [str(cell or "").strip() for cell in next(rows, [])]
    if heading[: len(COLUMNS)] != COLUMNS:
        raise ImportRefused(f"The first row must name the columns: {', '.join(COLUMNS)}.")
    agencies = _agencies()
    values: list[dict[str, Any]] = []
    reports: list[RowReport] = []
    for number, row in enumerate(rows, start=2):
        cells = [*row, *[None] * len(COLUMNS)][: len(COLUMNS)]
        if all(str(cell or "").strip() == "" for cell in cells):
            continue
        if len(values) + len(reports) >= MAX_ROWS:
            raise ImportRefused(f"A file can hold at most {MAX_ROWS:,} rows. Split it.")
        date, end, agency, event, source, significance, notes = cells
        problems: list[str] = []
        began, ended = _date(date, "The date", problems), _date(end, "The end date", problems)
        known = agencies.get(str(agency or "").strip().lower())
        entry = {
            "date": began,
            "end_date": ended,
            "agency": known,
            "event": _text(event, "Event", 2000, problems, required=True),
            "source": _text(source, "Source document", 200, problems, required=False),
            "significance": _significance(significance, problems),
            "notes": _text(notes, "Notes", 2000, problems, required=False),
        }
        if began is None and not any(p.startswith("The date") for p in problems):
            problems.append("Enter the date")
        if known is None:
            problems.append(f"No agency is called '{str(agency or '').strip()}'")
        if began and ended and ended < began:
            problems.append("The end date must be on or after the date")
        if problems:
            reports.append(RowReport(number, problems))
        else:
            values.append(entry)
    return values, reports


def _cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (the import takes the mark off)."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def export(entries: Iterable[ChronologyEntry]) -> Iterator[list[str]]:
    yield COLUMNS
    for entry in entries:
        yield [
            entry.date.isoformat(),
            entry.end_date.isoformat() if entry.end_date else "",
            _cell(entry.agency.name),
            _cell(entry.event),
            _cell(entry.source),
            str(entry.get_significance_display()),
            _cell(entry.notes),
        ]
