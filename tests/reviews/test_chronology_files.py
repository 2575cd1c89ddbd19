"""Chronology files as people's tools save them (a corpus made here, by each tool's conventions,
fictional content), files that are no chronology, and files built to exhaust the server: each
is imported, or refused with a message naming the cause and the real figure, never a server
error and never Python's words."""

import datetime
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from openpyxl.styles import Font

from cmr_portal.tooling.management.commands.benchmark_import import csv_text, rows_xml, xlsx
from reviews.chronology import COLUMNS, LIMITS, check, in_background
from reviews.models import ChronologyEntry, ChronologyImport, Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow

# Fictional: a health visitor with an Irish name, the family by role, curly quotes as Word and
# Excel type them.
ROWS = [
    [
        "27/03/2025",
        "",
        "PSNI",
        "Called to the home by a neighbour (fictional)",
        "Log 1",
        "Key event",
        "",
    ],
    [
        "02/04/2025",
        "03/04/2025",
        "Education Authority",
        "Health visitor Áine Ní Bhriain saw Mother; “she’ll call back” (fictional)",  # noqa: RUF001
        "",
        "Relevant",
        "Seen at home, Dún Laoghaire Road",
    ],
]
EVENTS = {row[3] for row in ROWS}


@pytest.fixture
def review(personas: Personas) -> Review:
    return flow.with_team(personas)


def post(personas: Personas, review: Review, name: str, content: bytes) -> str:
    response = sign_in(Client(), personas.reviewer).post(
        f"/reviews/{review.uuid}/chronology/import/",
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code in (200, 302)
    body = response.content.decode()
    assert "Traceback" not in body
    return body


def imported(review: Review) -> set[str]:
    return set(ChronologyEntry.objects.filter(review=review).values_list("event", flat=True))


def text_file(rows: list[list[str]], *, delimiter: str, newline: str) -> str:
    """A spreadsheet saved as text: every cell quoted only when it must be, as Excel does."""

    def cell(value: str) -> str:
        if any(mark in value for mark in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return newline.join(delimiter.join(cell(value) for value in row) for row in rows) + newline


TEXT_FILES = {
    # Excel for Mac, "CSV (Macintosh)": carriage returns only, Mac Roman.
    "excel-mac.csv": text_file([COLUMNS, *ROWS], delimiter=",", newline="\r").encode("mac-roman"),
    # Excel for Windows, "CSV UTF-8": a byte-order mark, CRLF.
    "excel-utf8.csv": b"\xef\xbb\xbf"
    + text_file([COLUMNS, *ROWS], delimiter=",", newline="\r\n").encode(),
    # Excel for Windows, plain "CSV": Windows-1252, curly quotes and accents as single bytes.
    "excel-windows.csv": text_file([COLUMNS, *ROWS], delimiter=",", newline="\r\n").encode(
        "cp1252"
    ),
    # Excel's "Unicode text": UTF-16 with its byte-order mark, tabs between cells.
    "excel-unicode.txt": text_file([COLUMNS, *ROWS], delimiter="\t", newline="\r\n").encode(
        "utf-16"
    ),
    # A European locale: semicolons, dates with dots.
    "european.csv": text_file(
        [
            COLUMNS,
            *[[row[0].replace("/", "."), row[1].replace("/", "."), *row[2:]] for row in ROWS],
        ],
        delimiter=";",
        newline="\r\n",
    ).encode(),
    # Google Sheets: UTF-8 without a byte-order mark, CRLF, no line break after the last row.
    "google-sheets.csv": text_file([COLUMNS, *ROWS], delimiter=",", newline="\r\n")
    .rstrip("\r\n")
    .encode(),
    # LibreOffice: UTF-8, LF, two-digit years (its UK default), a title row above the heading.
    "libreoffice.csv": text_file(
        [
            ["Chronology of review (fictional)"],
            [],
            COLUMNS,
            *[[row[0][:6] + row[0][8:], row[1][:6] + row[1][8:], *row[2:]] for row in ROWS],
        ],
        delimiter=",",
        newline="\n",
    ).encode(),
}


@pytest.mark.parametrize("name", TEXT_FILES)
def test_a_chronology_saved_as_text_by_each_tool_imports(
    personas: Personas, review: Review, name: str
) -> None:
    post(personas, review, name, TEXT_FILES[name])
    assert imported(review) == EVENTS
    entry = ChronologyEntry.objects.get(review=review, source="")
    assert entry.date == datetime.date(2025, 4, 2)
    assert entry.end_date == datetime.date(2025, 4, 3)
    assert entry.notes == "Seen at home, Dún Laoghaire Road"


def workbook(rows: list[list[object]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    return book


def saved(book: Workbook) -> bytes:
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def with_dates(first: object, second: object) -> list[list[object]]:
    heading: list[object] = [*COLUMNS]
    return [heading, [first, None, *ROWS[0][2:]], [second, None, *ROWS[1][2:]]]


XLSX_FILES = {
    "date cells": saved(
        workbook(with_dates(datetime.datetime(2025, 3, 27), datetime.date(2025, 4, 2)))
    ),
    "Excel serial numbers": saved(workbook(with_dates(45743, 45749.0))),
    "dates as text": saved(workbook(with_dates("27/03/2025", "2025-04-02"))),
    "headings in other case and spacing": saved(
        workbook(
            [
                [
                    "date",
                    " End  date ",
                    "AGENCY",
                    "Event",
                    "source document",
                    "significance",
                    "NOTES ",
                ],
                *with_dates("27/03/2025", "02/04/2025")[1:],
            ]
        )
    ),
    "a title row above the heading": saved(
        workbook([["Chronology (fictional)"], [], *with_dates("27/03/2025", "02/04/2025")])
    ),
}


@pytest.mark.parametrize("name", XLSX_FILES)
def test_a_chronology_saved_as_xlsx_imports(personas: Personas, review: Review, name: str) -> None:
    post(personas, review, "chronology.xlsx", XLSX_FILES[name])
    assert imported(review) == EVENTS
    dates = set(ChronologyEntry.objects.filter(review=review).values_list("date", flat=True))
    assert dates == {datetime.date(2025, 3, 27), datetime.date(2025, 4, 2)}


def test_trailing_formatted_rows_and_columns_are_left_alone(
    personas: Personas, review: Review
) -> None:
    book = workbook(with_dates("27/03/2025", "02/04/2025"))
    sheet = book.active
    assert sheet is not None
    for row in range(4, 2000):  # formatted to the bottom, as a whole column's border makes
        for column in range(1, 12):
            sheet.cell(row, column).font = Font(bold=True)
    post(personas, review, "chronology.xlsx", saved(book))
    assert imported(review) == EVENTS


def test_a_merged_date_and_agency_belong_to_every_row_they_cover(
    personas: Personas, review: Review
) -> None:
    """Issue 15's example: merged over two rows, the second row said "Enter the date"."""
    book = workbook(
        [
            [*COLUMNS],
            ["27/03/2025", None, "PSNI", "Called to the home (fictional)", None, "Key event"],
            [None, None, None, "Child AB seen by the officer (fictional)", None, "Relevant"],
            ["28/03/2025", None, "PSNI", "Follow-up visit (fictional)", None, "Context"],
        ]
    )
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:C3")
    body = post(personas, review, "chronology.xlsx", saved(book))
    assert "Enter the date" not in body
    second = ChronologyEntry.objects.get(review=review, event__startswith="Child AB")
    assert second.date == datetime.date(2025, 3, 27)
    assert second.agency.short_name == "PSNI"
    assert ChronologyEntry.objects.filter(review=review).count() == 3


def ods() -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", "<office:document-content/>")
    return content.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chronology.ods", ods(), "This is an OpenDocument spreadsheet (.ods). Save it as .xlsx"),
        ("chronology.xls", OLE + b"Workbook", "This is an Excel 97-2003 spreadsheet (.xls)."),
        (
            "chronology.xlsx",
            OLE + "EncryptedPackage".encode("utf-16-le"),
            "The spreadsheet is protected with a password. Remove the password",
        ),
        ("chronology.csv", b"%PDF-1.7\n...", "This is a PDF document, not a spreadsheet."),
        ("chronology.csv", b"\x89PNG\r\n\x1a\n....", "This is a picture (PNG), not a spreadsheet."),
        ("chronology.csv", bytes(range(256)) * 40, "The file is not a spreadsheet saved as text."),
        ("chronology.xlsx", b"PK\x03\x04 broken", "The file is not a readable XLSX spreadsheet."),
    ],
)
def test_a_file_that_cannot_be_read_is_named_plainly(
    personas: Personas, review: Review, name: str, content: bytes, message: str
) -> None:
    body = post(personas, review, name, content)
    assert message in body
    assert not ChronologyEntry.objects.exists()


def test_a_null_character_in_a_cell_is_reported_on_its_row(
    personas: Personas, review: Review
) -> None:
    """Issue 15: a NUL byte in a CSV cell reached PostgreSQL, which answered 500."""
    rows = [
        COLUMNS,
        ROWS[0],
        ["28/03/2025", "", "PS\x00NI", "Visit\x00 (fictional)", "", "Context", ""],
    ]
    body = post(personas, review, "chronology.csv", csv_text(rows))
    assert "1 row of the file needs correcting" in body
    assert "The event holds a null character, which cannot be stored. Remove it" in body
    assert "The agency holds a null character" in body
    assert not ChronologyEntry.objects.exists()


def test_every_text_cell_over_its_limit_is_reported_never_cut(
    personas: Personas, review: Review
) -> None:
    rows = [COLUMNS, ["27/03/2025", "", "PSNI", "e" * 2001, "s" * 201, "Relevant", "n" * 2500]]
    body = post(personas, review, "chronology.csv", csv_text(rows))
    assert "The event must be 2,000 characters or fewer (it has 2,001)" in body
    assert "The source document must be 200 characters or fewer (it has 201)" in body
    assert "The notes must be 2,000 characters or fewer (it has 2,500)" in body
    assert not ChronologyEntry.objects.exists()


WIDE = [str(column) for column in range(2000)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "wide.xlsx",
            xlsx(rows_xml([COLUMNS, WIDE, WIDE])),
            "The spreadsheet has 2,000 columns; a chronology has 7. Remove the extra columns.",
        ),
        (
            "wide.csv",
            csv_text([COLUMNS, WIDE]),
            "The spreadsheet has 2,000 columns; a chronology has 7. Remove the extra columns.",
        ),
        (
            "strings.xlsx",
            xlsx(
                rows_xml([COLUMNS]),
                "".join(f"<si><t>{n}</t></si>" for n in range(LIMITS.shared_strings + 1)),
            ),
            "The spreadsheet holds more than 200,000 different texts",
        ),
        (
            "rows.csv",
            csv_text([COLUMNS] + [["1"]] * (LIMITS.rows + LIMITS.title_rows + 1)),
            "The spreadsheet has more than 5,000 rows",
        ),
        (
            "far.xlsx",
            xlsx(rows_xml([COLUMNS]) + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'),
            "The spreadsheet has something in row 1,048,576",
        ),
        (
            "cell.xlsx",
            xlsx(rows_xml([COLUMNS, ["27/03/2025", "", "PSNI", "x" * 40_000]])),
            "Row 2 has a cell of 40,000 characters; a cell can hold at most 32,767.",
        ),
        (
            "cell.csv",
            csv_text([COLUMNS, ["27/03/2025", "", "PSNI", "x" * 40_000]]),
            "row 2 has a cell of more than 32,767 characters",
        ),
    ],
)
def test_a_file_past_a_limit_is_refused_before_it_is_parsed_with_the_figure(
    personas: Personas, review: Review, name: str, content: bytes, message: str
) -> None:
    body = post(personas, review, name, content)
    assert message in body
    assert not ChronologyEntry.objects.exists()


def test_a_zip_that_unpacks_past_the_limit_is_refused_from_its_directory(
    personas: Personas, review: Review
) -> None:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", " " * (LIMITS.unpacked_bytes + 1))
    body = post(personas, review, "bomb.xlsx", content.getvalue())
    assert (
        "The spreadsheet unpacks to 60 MB; a chronology file may unpack to at most 60 MB." in body
    )


def test_entities_in_the_xml_are_refused(personas: Personas, review: Review) -> None:
    def laughs(book: zipfile.ZipFile) -> None:
        book.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><worksheet/>',
        )

    body = post(personas, review, "laughs.xlsx", xlsx(laughs))
    assert "The file is not a readable XLSX spreadsheet." in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_file_is_imported_by_a_worker_with_its_progress_shown(
    personas: Personas, worker: None
) -> None:
    review = flow.with_team(personas)
    rows = [COLUMNS] + [ROWS[0]] * (LIMITS.background_rows + 1)
    client = sign_in(Client(), personas.reviewer)
    response = client.post(
        f"/reviews/{review.uuid}/chronology/import/",
        {"file": SimpleUploadedFile("long.csv", csv_text(rows))},
    )
    made = ChronologyImport.objects.get(review=review)
    assert response["Location"] == f"/reviews/{review.uuid}/chronology/imports/{made.uuid}/"
    status = f"/reviews/{review.uuid}/chronology/imports/{made.uuid}/?partial=1"
    for _ in range(200):
        body = client.get(status).content.decode()
        if "Imported" in body:
            break
        assert "rows checked" in body
        time.sleep(0.05)
    assert "301 entries added to the chronology" in body
    assert ChronologyEntry.objects.filter(review=review).count() == 301


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_short_file_with_many_texts_is_imported_by_a_worker(
    personas: Personas, worker: None
) -> None:
    # Two rows, but more distinct texts than a web worker reads itself (openpyxl reads them all
    # first: three such uploads at once held every gunicorn worker, docs/performance.md).
    review = flow.with_team(personas)
    texts = [*COLUMNS, *ROWS[0]] + [f"Unused text {n}" for n in range(20_000)]
    cells = "".join(f'<c r="{chr(65 + n)}1" t="s"><v>{n}</v></c>' for n in range(7))
    cells2 = "".join(f'<c r="{chr(65 + n)}2" t="s"><v>{7 + n}</v></c>' for n in range(7))
    shared = "".join(f"<si><t>{text}</t></si>" for text in texts)
    client = sign_in(Client(), personas.reviewer)
    response = client.post(
        f"/reviews/{review.uuid}/chronology/import/",
        {
            "file": SimpleUploadedFile(
                "texts.xlsx", xlsx(f'<row r="1">{cells}</row><row r="2">{cells2}</row>', shared)
            )
        },
    )
    made = ChronologyImport.objects.get(review=review)
    assert response["Location"] == f"/reviews/{review.uuid}/chronology/imports/{made.uuid}/"
    status = f"/reviews/{review.uuid}/chronology/imports/{made.uuid}/?partial=1"
    for _ in range(200):
        body = client.get(status).content.decode()
        if "Imported" in body or "correct" in body:
            break
        time.sleep(0.05)
    assert "1 entry added to the chronology" in body
    assert ChronologyEntry.objects.filter(review=review).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_file_with_bad_rows_imports_nothing_and_lists_them(
    personas: Personas, worker: None
) -> None:
    review = flow.with_team(personas)
    rows = [COLUMNS] + [ROWS[0]] * LIMITS.background_rows + [["31/02/2025", "", "Nowhere", "x"]]
    client = sign_in(Client(), personas.reviewer)
    client.post(
        f"/reviews/{review.uuid}/chronology/import/",
        {"file": SimpleUploadedFile("long.csv", csv_text(rows))},
    )
    made = ChronologyImport.objects.get(review=review)
    for _ in range(200):
        made.refresh_from_db()
        if not made.waiting:
            break
        time.sleep(0.05)
    body = client.get(f"/reviews/{review.uuid}/chronology/imports/{made.uuid}/").content.decode()
    assert "Needs correcting" in body
    assert "1 row of the file needs correcting" in body
    assert "The date must be a real date" in body
    assert "No agency is called &#x27;Nowhere&#x27;" in body
    assert not ChronologyEntry.objects.filter(review=review).exists()


def test_a_short_file_with_much_text_is_read_by_a_worker() -> None:
    """A few rows of the longest cells are as much work as thousands of short ones: three such
    uploads at once held every gunicorn worker for seconds (docs/performance.md)."""
    long_notes = "x" * 30_000
    heavy = "\r\n".join(
        [",".join(COLUMNS)] + [f"27/03/2025,PSNI,Fictional visit,,Context,{long_notes}"] * 80
    ).encode()
    light = "\r\n".join(
        [",".join(COLUMNS)] + ["27/03/2025,PSNI,Fictional visit,,Context,Notes"] * 80
    ).encode()
    assert len(heavy) > LIMITS.background_bytes
    assert in_background(check(io.BytesIO(heavy), "heavy.csv"))
    assert not in_background(check(io.BytesIO(light), "light.csv"))
