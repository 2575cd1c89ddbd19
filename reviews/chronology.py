"""The integrated chronology from a file: CSV or XLSX in, a row-by-row report, CSV out.

A file with any bad row imports nothing. The chronology never holds half a file, so the
reviewer corrects the file and imports it again without making duplicates of the good rows.

Files come as people's tools save them: Excel for Windows and for Mac, LibreOffice and Google
Sheets, as XLSX or as text (CSV in UTF-8, Windows-1252 or Mac Roman, with commas, semicolons or
tabs, and Excel's "Unicode text" in UTF-16). What kind a file is comes from its bytes, never
from its name. Every limit in ``LIMITS`` is checked **before** a file is parsed, from what is
cheap to read (the zip directory, a streaming pass over the XML with nothing kept), so that no
upload holds a server for long or fills its memory; the XLSX is then read in streaming mode.
"""

import codecs
import csv
import datetime
import io
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import CellCoordinatesException

from cmr_portal.kernel.documents.services import megabytes
from panels.models import Agency
from reviews.models import ChronologyEntry

COLUMNS = ["Date", "End date", "Agency", "Event", "Source document", "Significance", "Notes"]
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",  # LibreOffice's UK default
    "%d-%m-%Y",
    "%d.%m.%Y",  # European locales
    "%d %B %Y",
    "%d %b %Y",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's date serials from 1 January 1900 (1) to 31 December 9999 (2958465).
EXCEL_SERIALS = (1, 2958465)


@dataclass(frozen=True)
class Limits:
    """What a chronology file may hold, checked before it is parsed. The figures bound the time
    and memory of one import (docs/performance.md measures the worst files within them)."""

    rows: int = 5000  # entries, under the heading row
    columns: int = 26  # A to Z: a chronology's seven and room for the reviewer's own notes
    cells: int = 200_000  # every cell the sheet writes, empty ones with a format included
    shared_strings: int = 200_000  # an XLSX's distinct texts; never more than its cells
    cell_characters: int = 32_767  # Excel's own limit for one cell
    title_rows: int = 10  # rows above the heading (a title, a date) looked through for it
    last_row: int = 20_000  # no cell filled below this row (blank rows between entries allowed)
    zip_members: int = 100  # an XLSX from Excel has about 10, plus 2 or 3 per sheet
    unpacked_bytes: int = 60 * 1024 * 1024  # all members together, as the zip directory says
    merged_ranges: int = 10_000
    background_rows: int = 300  # more rows than this are imported by a worker, with progress
    # More distinct texts than this are imported by a worker too: openpyxl reads them all before
    # the first row (200,000 took 1.8 s; docs/performance.md, the upload test).
    background_shared_strings: int = 20_000
    # And a file with more to read than this (a CSV's text, an XLSX's sheet and texts unpacked):
    # 299 rows of the longest cells took a web worker about 3 s (the upload test).
    background_bytes: int = 2 * 1024 * 1024


LIMITS = Limits()
# The csv module's limit is the process's own; every reader here wants this one.
csv.field_size_limit(LIMITS.cell_characters)

SPREADSHEET_ML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SAVE_AS = "Save it as .xlsx or .csv and try again."
NOT_TEXT = (
    "The file is not a spreadsheet saved as text. Save it as .xlsx or as CSV UTF-8 and try again."
)


@dataclass(frozen=True)
class RowReport:
    number: int  # as the spreadsheet counts, the heading being row 1
    problems: list[str]


class ImportRefused(Exception):
    """The file cannot be read as a chronology at all; the message says why, in plain words."""


Row = tuple[int, list[Any]]  # the row's number in the file, its first len(COLUMNS) cells
Progress = Callable[[int], object]  # called with the number of rows read so far


@dataclass
class Checked:
    """A file that passed the cheap checks: what kind it is and how many rows it fills."""

    kind: str  # "xlsx" or "text"
    rows: int  # rows with something in them, the heading and any title row included
    text: str = ""  # a text file, decoded
    delimiter: str = ","
    sheet: str = ""  # an XLSX's first worksheet, as a member of the zip
    last_row: int = 0  # an XLSX's last row with something in it: nothing below it is read
    shared_strings: int = 0  # an XLSX's distinct texts, which openpyxl reads before any row
    # What reading it means reading, in bytes: a CSV's text, or an XLSX's sheet and texts unpacked.
    size: int = 0
    # An XLSX's merged ranges over the chronology's columns, per column: (first row, last row,
    # first column), sorted, so that the value of the range's first cell fills every row of it.
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def in_background(checked: Checked) -> bool:
    """Whether reading the file is long enough work to give to a worker: more rows than
    ``LIMITS.background_rows``, more distinct texts than ``LIMITS.background_shared_strings``, or
    more to read than ``LIMITS.background_bytes``."""
    return (
        checked.rows > LIMITS.background_rows
        or checked.shared_strings > LIMITS.background_shared_strings
        or checked.size > LIMITS.background_bytes
    )


def number(value: int) -> str:
    return f"{value:,}"


def check(upload: IO[bytes], name: str = "") -> Checked:
    """The kind of the file and its size in rows, or ImportRefused naming the limit it passes
    and its real figure, or what the file is when it is no spreadsheet the portal reads.
    ``name`` is the file's name, used only to say when it claims to be what it is not."""
    claims = (
        "The file is not a readable XLSX spreadsheet. " if name.lower().endswith(".xlsx") else ""
    )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _check_xlsx(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = upload.read(LIMITS.unpacked_bytes)
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportRefused(
                "The spreadsheet is protected with a password. Remove the password, save it and "
                "try again."
            )
        raise ImportRefused(f"This is an Excel 97-2003 spreadsheet (.xls). {SAVE_AS}")
    for start, what in NOT_SPREADSHEETS:
        if head.startswith(start):
            raise ImportRefused(
                f"{claims}This is {what}, not a spreadsheet. Choose the chronology, saved as "
                ".xlsx or .csv."
            )
    data = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        limit = megabytes(settings.DOCUMENT_MAX_BYTES)
        raise ImportRefused(f"The file must be smaller than {limit}")
    if data[:8192].count(0) > len(data[:8192]) // 10 and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise ImportRefused(f"{claims}{NOT_TEXT}")
    text = _decode(data)
    delimiter = _delimiter(text)
    # A line of more separators than a row could hold, its quoted cells full of them included,
    # is refused before the csv module makes a cell of each (a 20 MB line of commas: 21 million).
    widest = max((line.count(delimiter) for line in text.splitlines()), default=0)
    if widest > LIMITS.columns * (LIMITS.cell_characters + 1):
        raise _too_wide(widest + 1)
    rows = 0
    for row in _text_rows(text, delimiter):
        if any(str(cell).strip() for cell in row[1]):
            rows += 1
    return Checked("text", rows, text=text, delimiter=delimiter, size=len(data))


NOT_SPREADSHEETS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a picture (PNG)"),
    (b"\xff\xd8\xff", "a picture (JPEG)"),
    (b"GIF8", "a picture (GIF)"),
    (b"{\\rtf", "a Rich Text document"),
)


def _decode(data: bytes) -> str:
    """The text of a CSV or tab-separated file, in the encoding its tool wrote."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]  # Excel's "Unicode text"
    elif b"\r" in data and b"\n" not in data:
        encodings = ["utf-8", "mac-roman"]  # Excel for Mac's "CSV (Macintosh)"
    else:
        encodings = ["utf-8", "cp1252"]  # Excel for Windows's plain "CSV"
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(NOT_TEXT)


def _delimiter(text: str) -> str:
    """The separator that finds the heading: a comma, a semicolon (European locales) or a tab."""
    first = text[:4096]
    for delimiter in (",", ";", "\t"):
        try:
            for _, cells in _text_rows(first, delimiter, LIMITS.title_rows):
                if _is_heading(cells):
                    return delimiter
        except ImportRefused:
            continue
    line = next(iter(first.splitlines()), "")
    return max((",", ";", "\t"), key=line.count)


def _text_rows(text: str, delimiter: str, most: int | None = None) -> Iterator[Row]:
    """The rows of a text file (``most`` of them at most), checked against the limits as they
    are read. A row's number is the spreadsheet's, whatever line breaks its cells hold."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    filled = row_number = 0
    while most is None or row_number < most:
        row_number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # its words are Python's: the person is told what to do
            if "field larger" in str(error):
                raise ImportRefused(
                    f"The CSV file cannot be read: row {number(row_number)} has a cell of more "
                    f"than {number(LIMITS.cell_characters)} characters."
                ) from error
            raise ImportRefused(
                f"The CSV file cannot be read at row {number(row_number)}: a quotation mark "
                "may be missing. Open it in a spreadsheet, save it as CSV UTF-8 and try again."
            ) from error
        while cells and not cells[-1].strip():
            cells.pop()
        if len(cells) > LIMITS.columns:
            raise _too_wide(len(cells))
        if cells:
            filled += 1
            if filled > LIMITS.rows + LIMITS.title_rows:
                raise _too_long()
        yield row_number, cells


def _too_wide(columns: int) -> ImportRefused:
    return ImportRefused(
        f"The spreadsheet has {number(columns)} columns; a chronology has {len(COLUMNS)}. "
        "Remove the extra columns."
    )


def _too_long() -> ImportRefused:
    return ImportRefused(
        f"The spreadsheet has more than {number(LIMITS.rows)} rows; a chronology file can hold "
        f"at most {number(LIMITS.rows)}. Split it into smaller files."
    )


def _check_xlsx(upload: IO[bytes]) -> Checked:
    """The checks of an XLSX from its zip directory and one streaming pass over the XML that
    openpyxl would read whole (the shared strings) or cell by cell (the first worksheet)."""
    try:
        book = zipfile.ZipFile(upload)
        members = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportRefused("The file is not a readable XLSX spreadsheet.") from error
    names = {member.filename for member in members}
    if "mimetype" in names or "content.xml" in names:
        raise ImportRefused(f"This is an OpenDocument spreadsheet (.ods). {SAVE_AS}")
    if "Index/Document.iwa" in names:
        raise ImportRefused(f"This is an Apple Numbers spreadsheet. {SAVE_AS}")
    if "word/document.xml" in names:
        raise ImportRefused(f"This is a Word document, not a spreadsheet. {SAVE_AS}")
    if "xl/workbook.xml" not in names:
        raise ImportRefused("The file is not a readable XLSX spreadsheet.")
    if len(members) > LIMITS.zip_members:
        raise ImportRefused(
            f"The spreadsheet holds {number(len(members))} parts; a chronology file holds at "
            f"most {number(LIMITS.zip_members)}. Copy the chronology into a new spreadsheet."
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > LIMITS.unpacked_bytes:
        raise ImportRefused(
            f"The spreadsheet unpacks to {unpacked / 1024 / 1024:,.0f} MB; a chronology file may "
            f"unpack to at most {megabytes(LIMITS.unpacked_bytes)}. Split it into smaller files."
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise ImportRefused(
            "The spreadsheet is protected with a password. Remove the password, save it and "
            "try again."
        )
    try:
        sheet = _first_sheet(book)
        shared = _SharedStrings()
        if "xl/sharedStrings.xml" in names:
            _scan(book, "xl/sharedStrings.xml", shared)
        scan = _Sheet()
        _scan(book, sheet, scan)
    except (
        KeyError,
        expat.ExpatError,
        zipfile.BadZipFile,
        EOFError,
        ValueError,
        zlib.error,  # a member's compressed data is damaged
        NotImplementedError,  # a member compressed in a way zip readers rarely know
        CellCoordinatesException,  # a cell or merged range named "A0" or nonsense
    ) as error:
        raise ImportRefused("The file is not a readable XLSX spreadsheet.") from error
    upload.seek(0)
    return Checked(
        "xlsx",
        scan.filled_rows,
        sheet=sheet,
        last_row=scan.last_row,
        shared_strings=shared.count,
        size=sum(
            member.file_size
            for member in members
            if member.filename in {sheet, "xl/sharedStrings.xml"}
        ),
        merged=scan.merged_by_column(),
    )


def _scan(book: zipfile.ZipFile, member: str, handler: "_Handler") -> None:
    """One pass of expat over a member, nothing kept but the handler's counts. Any DOCTYPE is
    refused, and with it every entity (the XML bombs defusedxml guards openpyxl against)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    with book.open(member) as stream:
        while chunk := stream.read(256 * 1024):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _no_doctype(*args: Any) -> None:
    raise ImportRefused("The file is not a readable XLSX spreadsheet.")


def _first_sheet(book: zipfile.ZipFile) -> str:
    """The member holding the first worksheet, as the workbook and its relationships name it."""
    found: dict[str, str] = {}

    class Workbook(_Handler):
        def start(self, name: str, attributes: dict[str, str]) -> None:
            if name == f"{SPREADSHEET_ML} sheet" and "sheet" not in found:
                found["sheet"] = attributes[f"{RELATIONSHIPS} id"]

    class Relationships(_Handler):
        def start(self, name: str, attributes: dict[str, str]) -> None:
            if name.endswith(" Relationship") and attributes.get("Id") == found.get("sheet"):
                found["target"] = attributes["Target"]

    _scan(book, "xl/workbook.xml", Workbook())
    _scan(book, "xl/_rels/workbook.xml.rels", Relationships())
    target = found["target"]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


class _Handler:
    def start(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _SharedStrings(_Handler):
    """Counts the distinct texts and measures each (openpyxl would hold them all)."""

    def __init__(self) -> None:
        self.count = 0
        self.characters = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == f"{SPREADSHEET_ML} si":
            self.count += 1
            self.characters = 0
            if self.count > LIMITS.shared_strings:
                raise ImportRefused(
                    f"The spreadsheet holds more than {number(LIMITS.shared_strings)} different "
                    "texts, more than a chronology can hold. Copy the chronology's columns into a "
                    "new spreadsheet."
                )

    def end(self, name: str) -> None:
        if name == f"{SPREADSHEET_ML} si" and self.characters > LIMITS.cell_characters:
            raise ImportRefused(
                f"A cell of the spreadsheet holds {number(self.characters)} characters; a cell "
                f"can hold at most {number(LIMITS.cell_characters)}."
            )

    def text(self, data: str) -> None:
        self.characters += len(data)


class _Sheet(_Handler):
    """Counts rows, columns and cells of the worksheet, and notes its merged ranges."""

    def __init__(self) -> None:
        self.cells = 0
        self.filled_rows = 0
        self.last_row = 0
        self.row = 0
        self.row_filled = False
        self.widest = 0  # of this row, once it is too wide
        self.column = 0
        self.cell_filled = False
        self.characters = 0
        self.merged: list[tuple[int, int, int, int]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            self.row = int(attributes.get("r", self.row + 1))
            self.row_filled, self.column = False, 0
        elif local == "c":
            self.cells += 1
            if self.cells > LIMITS.cells:
                raise ImportRefused(
                    f"The spreadsheet has more than {number(LIMITS.cells)} cells; a chronology "
                    f"of {number(LIMITS.rows)} rows has {number(LIMITS.rows * len(COLUMNS))}. "
                    "Copy the chronology's columns into a new spreadsheet."
                )
            reference = attributes.get("r")
            self.column = (
                column_index_from_string(coordinate_from_string(reference)[0])
                if reference
                else self.column + 1
            )
            self.cell_filled, self.characters = False, 0
        elif local in ("v", "is"):
            self.cell_filled = True
        elif local == "mergeCell":
            self.merged.append(_range(attributes["ref"]))
            if len(self.merged) > LIMITS.merged_ranges:
                raise ImportRefused(
                    f"The spreadsheet has more than {number(LIMITS.merged_ranges)} merged "
                    "cells. Unmerge them and try again."
                )

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "c" and self.cell_filled:
            if self.characters > LIMITS.cell_characters:
                raise ImportRefused(
                    f"Row {number(self.row)} has a cell of {number(self.characters)} "
                    f"characters; a cell can hold at most {number(LIMITS.cell_characters)}."
                )
            if not self.row_filled:
                self.row_filled = True
                self.filled_rows += 1
                self.last_row = self.row
                if self.filled_rows > LIMITS.rows + LIMITS.title_rows:
                    raise _too_long()
                if self.row > LIMITS.last_row:
                    raise ImportRefused(
                        f"The spreadsheet has something in row {number(self.row)}; a chronology "
                        f"file ends by row {number(LIMITS.last_row)}. Delete the rows below the "
                        "chronology."
                    )
            if self.column > LIMITS.columns:
                self.widest = max(self.widest, self.column)
        elif local == "row" and self.widest:
            raise _too_wide(self.widest)

    def text(self, data: str) -> None:
        self.characters += len(data)

    def merged_by_column(self) -> dict[int, list[tuple[int, int]]]:
        by_column: dict[int, list[tuple[int, int]]] = {}
        for first_row, first_column, last_row, _ in sorted(self.merged):
            if first_column <= len(COLUMNS) and last_row > first_row:
                by_column.setdefault(first_column, []).append((first_row, last_row))
        return by_column


def _range(reference: str) -> tuple[int, int, int, int]:
    """A1:B3 as (first row, first column, last row, last column)."""
    start, _, end = reference.partition(":")
    first_column, first_row = coordinate_from_string(start)
    last_column, last_row = coordinate_from_string(end or start)
    return (
        first_row,
        column_index_from_string(first_column),
        last_row,
        column_index_from_string(last_column),
    )


def _xlsx_rows(upload: IO[bytes], checked: Checked) -> Iterator[Row]:
    """The first worksheet's rows in streaming mode, only the chronology's columns, a merged
    range's value given to every row it covers."""
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # Read the real extent, not the size the file claims, which some tools write wrongly.
        sheet.reset_dimensions()
        above: dict[int, Any] = {}  # the value of each column's merged range over this row
        rows = sheet.iter_rows(max_col=len(COLUMNS), values_only=True)
        for row_number, row in enumerate(rows, start=1):
            if row_number > checked.last_row:
                break  # formatted rows below the chronology, perhaps to the sheet's end
            cells = list(row)
            for column, ranges in checked.merged.items():
                at = bisect_right(ranges, (row_number, LIMITS.last_row)) - 1
                if at >= 0 and ranges[at][0] < row_number <= ranges[at][1]:
                    cells[column - 1] = above.get(column)
                else:
                    above[column] = cells[column - 1]
            yield row_number, cells
        book.close()
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a file it cannot read
        raise ImportRefused("The file is not a readable XLSX spreadsheet.") from error


def _rows(upload: IO[bytes], checked: Checked) -> Iterator[Row]:
    if checked.kind == "xlsx":
        return _xlsx_rows(upload, checked)
    return _text_rows(checked.text, checked.delimiter)


def _heading(cell: Any) -> str:
    return " ".join(str(cell or "").split()).casefold()


HEADINGS = [_heading(column) for column in COLUMNS]


def _is_heading(cells: list[Any]) -> bool:
    return [_heading(cell) for cell in cells[: len(COLUMNS)]] == HEADINGS


def _date(value: Any, label: str, problems: list[str]) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    serial = isinstance(value, int | float) and not isinstance(value, bool)
    if serial and EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:
        made = from_excel(value)  # a date cell formatted as a number, as Excel counts days
        return made.date() if isinstance(made, datetime.datetime) else None
    text = " ".join(str(value or "").split())
    if not text:
        return None
    # A date and time as some tools write a date cell to text: the time is left out.
    text = text.split(" ")[0] if text[-3:-2] == ":" and text.count(" ") == 1 else text
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
        problems.append(
            f"The {label.lower()} must be {number(limit)} characters or fewer "
            f"(it has {number(len(text))})"
        )
    return text


def _clean(cells: list[Any], problems: list[str]) -> list[Any]:
    """The row's cells with null characters taken out, each reported: PostgreSQL cannot store
    them, and no tool writes one into a cell a person typed."""
    cleaned = []
    for label, cell in zip(COLUMNS, cells, strict=True):
        if isinstance(cell, str) and "\x00" in cell:
            problems.append(
                f"The {label.lower()} holds a null character, which cannot be stored. Remove it"
            )
            cell = cell.replace("\x00", "")
        cleaned.append(cell)
    return cleaned


def read(
    upload: IO[bytes], checked: Checked | None = None, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], list[RowReport]]:
    """The rows as entries' values, and a report of every row with problems.

    ``checked`` is what ``check`` found, when it was called first; ``progress`` is called every
    hundred rows with the number read so far. Raises ImportRefused for a file that is no
    chronology or passes a limit."""
    checked = checked or check(upload)
    rows = _rows(upload, checked)
    for _, cells in rows:
        if _is_heading(cells):
            break
    else:
        raise ImportRefused(f"The first row must name the columns: {', '.join(COLUMNS)}.")
    agencies = _agencies()
    values: list[dict[str, Any]] = []
    reports: list[RowReport] = []
    for read_so_far, (row_number, row) in enumerate(rows, start=1):
        if progress is not None and read_so_far % 100 == 0:
            progress(read_so_far)
        if all(str(cell or "").strip() == "" for cell in row[: len(COLUMNS)]):
            continue
        if len(values) + len(reports) >= LIMITS.rows:
            raise ImportRefused(f"A file can hold at most {number(LIMITS.rows)} rows. Split it.")
        problems: list[str] = []
        cells = _clean([*row, *[None] * len(COLUMNS)][: len(COLUMNS)], problems)
        date, end, agency, event, source, significance, notes = cells
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
            reports.append(RowReport(row_number, problems))
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
