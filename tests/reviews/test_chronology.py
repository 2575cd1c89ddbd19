"""The integrated chronology: entries in date order, import with a row-by-row report (a file with
a bad row imports nothing), export to CSV that a spreadsheet cannot run."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from panels.models import Agency
from reviews import chronology, services
from reviews.models import ChronologyEntry, Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow

HEADING = ",".join(chronology.COLUMNS)


def csv_file(*rows: str, name: str = "chronology.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADING, *rows]).encode(), "text/csv")


@pytest.fixture
def review(personas: Personas) -> Review:
    return flow.with_team(personas)


def import_url(review: Review) -> str:
    return f"/reviews/{review.uuid}/chronology/import/"


def test_a_file_with_a_bad_row_imports_nothing_and_says_which(
    personas: Personas, review: Review
) -> None:
    upload = csv_file(
        "2025-03-01,,PSNI,Called to the home (fictional),Log 1,Key event,",
        "31/02/2025,,PSNI,Bad date (fictional),,Relevant,",
        "2025-03-04,2025-03-02,Nowhere,,,Urgent,",
    )
    response = sign_in(Client(), personas.reviewer).post(import_url(review), {"file": upload})
    body = response.content.decode()
    assert "2 rows of the file need correcting. Nothing has been imported." in body
    assert "The date must be a real date" in body
    assert "No agency is called &#x27;Nowhere&#x27;" in body
    assert "Enter the event" in body
    assert "Significance must be one of" in body
    assert "The end date must be on or after the date" in body
    assert not ChronologyEntry.objects.exists()


def test_a_good_csv_imports_every_row_in_date_order(personas: Personas, review: Review) -> None:
    upload = csv_file(
        "12/04/2025,,Education Authority,School raised a concern (fictional),,Relevant,",
        "2025-03-01,2025-03-03,PSNI,Called to the home (fictional),Log 1,Key event,Night",
    )
    client = sign_in(Client(), personas.reviewer)
    assert client.post(import_url(review), {"file": upload}).status_code == 302
    entries = list(ChronologyEntry.objects.filter(review=review))
    assert [entry.event for entry in entries] == [
        "Called to the home (fictional)",
        "School raised a concern (fictional)",
    ]
    assert entries[0].significance == "key"
    assert entries[0].end_date is not None


def test_an_xlsx_file_imports_with_real_dates(personas: Personas, review: Review) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(chronology.COLUMNS)
    sheet.append(["2025-05-06", None, "PSNI", "Fictional visit", None, "context", None])
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("chronology.xlsx", content.getvalue())
    response = sign_in(Client(), personas.reviewer).post(import_url(review), {"file": upload})
    assert response.status_code == 302
    assert ChronologyEntry.objects.get().event == "Fictional visit"


def test_a_file_that_is_not_a_chronology_is_refused_plainly(
    personas: Personas, review: Review
) -> None:
    client = sign_in(Client(), personas.reviewer)
    wrong = SimpleUploadedFile("notes.csv", b"Name,Note\nA,B\n")
    assert (
        "The first row must name the columns"
        in client.post(import_url(review), {"file": wrong}).content.decode()
    )
    fake = SimpleUploadedFile("chronology.xlsx", b"%PDF-1.4 not a spreadsheet")
    body = client.post(import_url(review), {"file": fake}).content.decode()
    assert "The file is not a readable XLSX spreadsheet." in body
    assert not ChronologyEntry.objects.exists()


def test_the_export_is_csv_a_spreadsheet_cannot_run(personas: Personas, review: Review) -> None:
    services.add_chronology_entries(
        review,
        [
            {
                "date": flow.TODAY,
                "agency": Agency.objects.get(short_name="PSNI"),
                "event": '=HYPERLINK("http://example.org")',
                "significance": "relevant",
            }
        ],
        by=personas.reviewer,
        source="test",
    )
    response = sign_in(Client(), personas.sbni_officer).get(
        f"/reviews/{review.uuid}/chronology/export/"
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == chronology.COLUMNS
    assert rows[1][3].startswith("'=")
    assert rows[1][5] == "Relevant"


def test_odd_files_get_a_message_never_an_error_page(personas: Personas, review: Review) -> None:
    client = sign_in(Client(), personas.reviewer)
    huge = csv_file("2025-03-01,,PSNI," + "x" * 200_000 + ",,Relevant,")
    assert (
        "The CSV file cannot be read"
        in client.post(import_url(review), {"file": huge}).content.decode()
    )
    blank = csv_file("2025-03-01,,,Fictional,,Relevant,")
    assert (
        "No agency is called &#x27;&#x27;"
        in client.post(import_url(review), {"file": blank}).content.decode()
    )
    assert not ChronologyEntry.objects.exists()


def test_an_exported_chronology_imports_back_as_it_was(personas: Personas, review: Review) -> None:
    services.add_chronology_entries(
        review,
        [
            {
                "date": flow.TODAY,
                "agency": Agency.objects.get(short_name="PSNI"),
                "event": "- seen by the GP (fictional), Seán Ó Néill",
                "significance": "key",
            }
        ],
        by=personas.reviewer,
        source="test",
    )
    client = sign_in(Client(), personas.reviewer)
    exported = client.get(f"/reviews/{review.uuid}/chronology/export/").getvalue()
    assert exported.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    ChronologyEntry.objects.all().delete()
    upload = SimpleUploadedFile("again.csv", exported)
    body = client.post(import_url(review), {"file": upload}, follow=True).content.decode()
    assert "Imported 1 entry." in body
    assert ChronologyEntry.objects.get().event == "- seen by the GP (fictional), Seán Ó Néill"
