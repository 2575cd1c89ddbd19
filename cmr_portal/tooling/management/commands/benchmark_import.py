"""A benchmark, not a test: the worst chronology files that fit in an upload, refused or read.

    python manage.py benchmark_import [--scale 1] [--output var/benchmark/import]

Builds each file of ``worst_files`` (fictional content) within ``DOCUMENT_MAX_MEGABYTES``, then
checks and reads it as the import does (``reviews.chronology.check`` and ``read``), each in a
process of its own, so that its figures are its own: the seconds taken, the peak memory of the
process (VmHWM) and how much it grew from the start (VmRSS). Prints JSON, and with ``--output``
writes it with a Markdown table. ``--scale`` below 1 makes every file smaller (the test runs
it at 0.01). The target (issue 15): each within 2 s and 200 MB.
"""

import io
import json
import multiprocessing
import os
import platform
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from reviews import chronology
from reviews.chronology import COLUMNS, LIMITS

TARGET_SECONDS = 2
TARGET_MB = 200
ROW = ["27/03/2025", "", "PSNI", "Home visit (fictional, benchmark)", "Log 1", "Relevant", ""]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def column_letters(index: int) -> str:
    """1 as A, 27 as AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_cell(row: int, column: int, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{column_letters(column)}{row}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def rows_xml(rows: list[list[str]], first: int = 1) -> str:
    """The rows as a sheet's XML, numbered from ``first``."""
    return "".join(
        f'<row r="{number}">'
        + "".join(text_cell(number, column, text) for column, text in enumerate(row, 1) if text)
        + "</row>"
        for number, row in enumerate(rows, first)
    )


def xlsx(sheet: str | Callable[[zipfile.ZipFile], None], shared: str = "") -> bytes:
    """A minimal XLSX as Excel lays it out: the sheet's XML (or a writer of it), shared strings."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        shared_strings = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{shared}</sst>"
        )
        book.writestr("xl/sharedStrings.xml", shared_strings)
        if callable(sheet):
            sheet(book)
        else:
            book.writestr("xl/worksheets/sheet1.xml", SHEET_START + sheet + SHEET_END)
    return content.getvalue()


def streamed_sheet(parts: Callable[[], Any]) -> Callable[[zipfile.ZipFile], None]:
    """A sheet too big to hold as one string, written to the zip a part at a time."""

    def write(book: zipfile.ZipFile) -> None:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(SHEET_START.encode())
            for part in parts():
                member.write(part.encode())
            member.write(SHEET_END.encode())

    return write


def csv_text(rows: list[list[str]]) -> bytes:
    import csv

    content = io.StringIO()
    csv.writer(content).writerows(rows)
    return content.getvalue().encode()


def worst_files(scale: float) -> dict[str, tuple[str, bytes, str]]:
    """Each hostile or heavy file by name: (file name, bytes, what the import should do:
    "refused" or "read"). At scale 1 each is as bad as fits in an upload."""

    def scaled(count: int) -> int:
        return max(1, int(count * scale))

    good = [COLUMNS] + [ROW] * LIMITS.rows
    wide_row = [str(n) for n in range(2000)]
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 or "")) * 10}">' for n in range(1, 10))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )

    def bomb(book: zipfile.ZipFile) -> None:
        book.writestr("xl/worksheets/sheet1.xml", billion_laughs)

    def one_cell_rows() -> Any:
        for start in range(1, scaled(1_000_000), 10_000):
            yield "".join(
                f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(start, start + 10_000)
            )

    def wide_rows() -> Any:
        cells = "".join(f'<c r="{column_letters(c)}{{n}}"><v>1</v></c>' for c in range(1, 2001))
        for n in range(1, scaled(3000) + 1):
            yield f'<row r="{n}">' + cells.replace("{n}", str(n)) + "</row>"

    def spaces() -> Any:
        for _ in range(scaled(400)):
            yield " " * (1024 * 1024)

    # The longest file a web worker reads itself (LIMITS.background_rows with the heading), every
    # cell it can as long as a cell may be: each row has a report to show.
    own_rows = scaled(LIMITS.background_rows - 1)
    longest = "x" * LIMITS.cell_characters
    longest_csv_row = [*ROW[:3], longest, longest, "Relevant", ""]

    def longest_rows() -> Any:
        yield rows_xml([COLUMNS])
        cells = [*ROW[:3], *[longest] * 6]
        for n in range(2, own_rows + 2):
            yield rows_xml([cells], first=n)

    return {
        "5,000 good rows (XLSX)": ("good.xlsx", xlsx(rows_xml(good[: scaled(5000) + 1])), "read"),
        "5,000 good rows (CSV)": ("good.csv", csv_text(good[: scaled(5000) + 1]), "read"),
        "5,000 rows over the text limits (CSV)": (
            "long.csv",
            csv_text(
                [COLUMNS] + [[*ROW[:3], "x" * 2001, "y" * 201, "Relevant", ""]] * scaled(5000)
            ),
            "read",
        ),
        "2,000 columns (XLSX)": (
            "wide.xlsx",
            xlsx(rows_xml([COLUMNS] + [wide_row] * 50)),
            "refused",
        ),
        "2,000 columns by 3,000 rows (XLSX)": (
            "wider.xlsx",
            xlsx(streamed_sheet(wide_rows)),
            "refused",
        ),
        "2,000 columns (CSV)": (
            "wide.csv",
            csv_text([COLUMNS] + [wide_row] * scaled(2000)),
            "refused",
        ),
        "2 million shared strings (XLSX)": (
            "strings.xlsx",
            xlsx(
                rows_xml([COLUMNS]),
                "".join(f"<si><t>{n}</t></si>" for n in range(scaled(2_000_000))),
            ),
            "refused",
        ),
        "a million rows (XLSX)": ("rows.xlsx", xlsx(streamed_sheet(one_cell_rows)), "refused"),
        "a million rows (CSV)": (
            "rows.csv",
            b"\n".join([b",".join(c.encode() for c in COLUMNS)] + [b"1"] * scaled(1_000_000)),
            "refused",
        ),
        "299 rows of the longest cells (CSV)": (
            "longest.csv",
            csv_text([COLUMNS] + [longest_csv_row] * own_rows),
            "read",
        ),
        "299 rows of the longest cells (XLSX)": (
            "longest.xlsx",
            xlsx(streamed_sheet(longest_rows)),
            "read",
        ),
        "400 MB of spaces in the sheet (zip bomb)": (
            "bomb.xlsx",
            xlsx(streamed_sheet(spaces)),
            "refused",
        ),
        "entities in the sheet (billion laughs)": ("laughs.xlsx", xlsx(bomb), "refused"),
        "a cell of a million characters (XLSX)": (
            "cell.xlsx",
            xlsx(rows_xml([COLUMNS, [*ROW[:3], "x" * scaled(1_000_000)]])),
            "refused",
        ),
        "a cell of a million characters (CSV)": (
            "cell.csv",
            csv_text([COLUMNS, [*ROW[:3], "x" * scaled(1_000_000)]]),
            "refused",
        ),
    }


def vm(field: str) -> float:
    """A figure of this process from /proc, in MB (VmRSS now, VmHWM its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(path: str, name: str, sender: Any) -> None:
    """In a process of its own: check and read one file as the import does."""
    connections.close_all()  # the parent's connection stays the parent's
    start_mb = vm("VmRSS")
    started = time.perf_counter()
    result: dict[str, Any] = {}
    with open(path, "rb") as stream:
        upload = File(stream, name=name)
        try:
            checked = chronology.check(upload, name)
            values, reports = chronology.read(upload, checked)
            result.update(outcome="read", entries=len(values), rows_to_correct=len(reports))
        except chronology.ImportRefused as refused:
            result.update(outcome="refused", message=str(refused))
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = vm("VmHWM")
    result["grew_mb"] = round(vm("VmHWM") - start_mb, 1)
    connections.close_all()
    sender.send(result)


class Command(BaseCommand):
    help = "Time the chronology import's checks on the worst files that fit in an upload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--output", default="", help="write <output>.json and <output>.md")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.BASE_DIR) / "var" / "benchmark" / "import-files"
        folder.mkdir(parents=True, exist_ok=True)
        results: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "scale": options["scale"],
            "limit_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
            "files": [],
        }
        context = multiprocessing.get_context("fork")
        connections.close_all()
        for title, (name, content, expected) in worst_files(options["scale"]).items():
            if len(content) > settings.DOCUMENT_MAX_BYTES:
                raise ValueError(f"{title} is {len(content):,} bytes, more than an upload")
            path = folder / name
            path.write_bytes(content)
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=measure, args=(str(path), name, sender))
            process.start()
            result = receiver.recv()
            process.join()
            path.unlink()
            results["files"].append(
                {"file": title, "bytes": len(content), "expected": expected, **result}
            )
        written = json.dumps(results, indent=2)
        self.stdout.write(written)
        if options["output"]:
            Path(options["output"] + ".json").write_text(written)
            Path(options["output"] + ".md").write_text(self.table(results))

    def table(self, results: dict[str, Any]) -> str:
        lines = [
            f"Target: each within {TARGET_SECONDS} s and {TARGET_MB} MB "
            f"(scale {results['scale']}).",
            "",
            "| File | Size | Outcome | Seconds | Peak MB | Grew MB | Message |",
            "|---|---:|---|---:|---:|---:|---|",
        ]
        for row in results["files"]:
            outcome = row["outcome"]
            if outcome == "read":
                outcome = f"read: {row['entries']:,} entries, {row['rows_to_correct']:,} to correct"
            lines.append(
                f"| {row['file']} | {row['bytes'] / 1024:,.0f} KB | {outcome} | {row['seconds']} "
                f"| {row['peak_mb']} | {row['grew_mb']} | {row.get('message', '')} |"
            )
        return "\n".join(lines) + "\n"
