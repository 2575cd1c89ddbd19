"""The year's figures (issue 20): a PDF and an XLSX of every monitoring table of a financial
year after disclosure control, made by a Celery worker and kept under the hash of what they show;
read back with pypdf and openpyxl. Who may ask for them and have them, and the audit of both."""

import datetime
import io
import re
import time

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.documents.models import Document
from panels import services as panels
from panels.models import Membership
from referrals import services as referrals
from referrals.models import Referral
from reviews import tasks
from reviews.models import FiguresExport
from reviews.monitoring.refresh import refresh
from reviews.monitoring.tables import NONE
from tests.conftest import Personas, make_persona, sign_in
from tests.factories import verified_device
from tests.reviews.test_monitoring_figures import at, sent_on

D = datetime.date
FEWER, HIDDEN = "fewer than 5", "hidden"
MARKING = "OFFICIAL-SENSITIVE"
OPEN_TITLE = "Referrals in the SBNI's hands now, by status"
STEPS_TITLE = "Referrals: each step of the SBNI's consideration"


def make_cases(people: Personas) -> None:
    """Belfast: six referrals acknowledged (five within two working days, one late), two of
    them asked for more information, and two never acknowledged (overdue); Western: one
    referral acknowledged in time. Worked out on 20 May 2025."""
    acknowledged = [sent_on(D(2025, 5, 1), people) for _ in range(6)]
    for referral in acknowledged[:5]:
        with at(D(2025, 5, 2)):
            referrals.acknowledge_referral(referral, by=people.sbni_officer)
    with at(D(2025, 5, 9)):
        referrals.acknowledge_referral(acknowledged[5], by=people.sbni_officer)
    for referral in acknowledged[:2]:
        with at(D(2025, 5, 12)):
            referrals.request_information(
                referral, question="Fictional question?", due_date=D(2025, 5, 30),
                by=people.sbni_officer,
            )  # fmt: skip
    for _ in range(2):
        sent_on(D(2025, 5, 1), people)
    western = sent_on(D(2025, 5, 2), people, western=True)
    with at(D(2025, 5, 6)):
        referrals.acknowledge_referral(western, by=people.sbni_officer)
    with at(D(2025, 5, 20)):
        refresh()


def ask(client: Client, panel: str = "", year: str = "2025") -> str:
    """Ask for the year's figures as the monitoring page's button does; the status page."""
    response = client.post(reverse("reviews:monitoring_figures"), {"year": year, "panel": panel})
    assert response.status_code == 302
    return str(response["Location"])


def made_here(status_url: str) -> FiguresExport:
    """Make the figures asked for here, as the worker would once the request was committed."""
    made = FiguresExport.objects.get(uuid=status_url.rstrip("/").rsplit("/", 1)[1])
    tasks.render_figures_export(made.pk)
    made.refresh_from_db()
    return made


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, its line breaks read as spaces."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


Sheet = list[list[object]]


def sheets(xlsx: bytes) -> dict[str, Sheet]:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def table(sheet: Sheet) -> dict[str, dict[str, object]]:
    """A table's sheet (title, blank line, headings, rows) as its rows by their heading, each
    its cells by their column's heading."""
    headings = [str(heading) for heading in sheet[2]]
    return {str(row[0]): dict(zip(headings[1:], row[1:], strict=True)) for row in sheet[3:]}


def assert_no_sum_is_one_figure_short(rows: dict[str, dict[str, object]], total: str) -> None:
    """In the totals row ``total`` of a sheet, every column given a total has none or several
    figures not given as numbers (a total counted in): none can be worked back."""
    body = [cells for header, cells in rows.items() if header != total]
    for column, value in rows[total].items():
        if value in (None, "", NONE):
            continue
        parts = [cells[column] for cells in body]
        if not all(isinstance(part, int | str) for part in parts):
            continue  # a column of medians has no total
        not_given = [part for part in (*parts, value) if isinstance(part, str)]
        assert len(not_given) != 1, (column, parts, value)


@pytest.fixture
def cases(personas: Personas) -> None:
    make_cases(personas)


def test_the_years_figures_protect_every_small_number_in_the_pdf_and_the_xlsx(
    personas: Personas, cases: None
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    made = made_here(ask(officer))
    assert made.status == FiguresExport.Status.READY
    assert made.panel is None
    text = pdf_text(download(officer, f"/monitoring/figures/{made.uuid}/pdf/"))
    assert MARKING in text
    assert "Monitoring figures" in text
    assert "April 2025 to March 2026" in text
    assert "Every panel" in text
    assert "on 20 May 2025" in text  # when the figures were worked out
    for title in (STEPS_TITLE, OPEN_TITLE, "Reviews open now, by stage"):
        assert title in text
    assert "Key to the marks" in text
    assert "“fewer than 5”: between 1 and 4 records" in text
    # Information requested of 2 referrals: suppressed; the 7 submitted beside it hidden, else
    # the total of 9 would give the 2 back.
    status_rows = text.split(OPEN_TITLE)[-1]
    assert re.search(r"Information requested fewer than 5", status_rows)
    assert re.search(r"Submitted hidden", status_rows)
    assert not re.search(r"Information requested [1-4]\b", status_rows)
    # Acknowledged: 7, of which 1 late (6 of 7 within timescale reveals it): hidden; 2 overdue.
    steps = text.split(STEPS_TITLE)[-1]
    assert re.search(r"Acknowledge receipt 7 [\d.]+ [\d.]+ hidden fewer than 5", steps)

    book = sheets(download(officer, f"/monitoring/figures/{made.uuid}/xlsx/"))
    assert next(iter(book)) == "About"
    about = [row[:2] for row in book["About"] if row and row[0]]
    assert [MARKING, None] in about
    assert ["Financial year", "April 2025 to March 2026"] in about
    assert ["Panels", "Every panel"] in about
    assert any(str(row[0]).startswith("“fewer than 5”") for row in about)
    assert len(book) == 12
    in_progress = table(book["Referrals in progress"])
    assert book["Referrals in progress"][0][0] == OPEN_TITLE
    assert in_progress["Information requested"]["Referrals"] == FEWER
    assert in_progress["Submitted"]["Referrals"] == HIDDEN
    assert in_progress["Total"]["Referrals"] == 9  # a number, not text
    assert_no_sum_is_one_figure_short(in_progress, "Total")
    steps_sheet = table(book["Referral steps"])
    acknowledged = steps_sheet["Acknowledge receipt"]
    assert acknowledged["Done in the period"] == 7
    assert acknowledged["Done within timescale"] == HIDDEN
    assert acknowledged["Overdue now"] == FEWER
    assert steps_sheet["SBNI Chair's decision"]["Done in the period"] == 0
    assert acknowledged["90th percentile (working days)"] == 2.6
    for name, sheet in book.items():
        if name == "About" or name.endswith("by quarter"):
            continue  # working days, not counts
        for row in sheet[3:]:
            for heading, value in zip(sheet[2][1:], row[1:], strict=True):
                # A count shown is never from 1 to 4, and no text is a formula.
                if "working days" not in str(heading):
                    assert not (isinstance(value, int) and 0 < value < 5), (name, heading)
                assert not (isinstance(value, str) and value.startswith("=")), (name, heading)
    actions = table(book["Actions by agency"])
    assert list(actions) == ["All agencies"]


def test_the_same_figures_asked_twice_are_made_once_and_new_figures_again(
    personas: Personas, cases: None
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    queued = ask(officer)
    waiting = officer.get(queued).content.decode()
    assert "Waiting to start" in waiting
    assert f'hx-get="{queued}?partial=1"' in waiting  # the page asks again until it is ready
    first = made_here(queued)
    documents = Document.objects.count()
    status_url = ask(officer)
    assert status_url == f"/monitoring/figures/{first.uuid}/"
    again = FiguresExport.objects.get()  # one row, kept and ready: nothing queued again
    assert again.status == FiguresExport.Status.READY
    assert again.started_at == first.started_at
    assert Document.objects.count() == documents
    assert "Download the PDF" in officer.get(f"{status_url}?partial=1").content.decode()
    tasks.render_figures_export(first.pk)  # the worker again: nothing to do
    assert Document.objects.count() == documents
    with at(D(2025, 5, 21)):
        refresh()  # worked out again: the figures say so
    assert ask(officer) != status_url
    assert FiguresExport.objects.count() == 2
    requested = AuditEvent.objects.filter(action="monitoring.figures_requested")
    assert requested.count() == 3
    assert [event.changes["kept"] for event in requested.order_by("pk")] == [False, True, False]


def test_figures_worked_out_again_before_they_are_made_fail_and_can_be_asked_again(
    personas: Personas, cases: None
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    status_url = ask(officer)
    with at(D(2025, 5, 21)):
        refresh()
    made = made_here(status_url)
    assert made.status == FiguresExport.Status.FAILED
    page = officer.get(status_url).content.decode()
    assert "The figures were worked out again while they were being made" in page
    assert "Make the year's figures again" in page
    assert made_here(ask(officer)).status == FiguresExport.Status.READY


def test_a_stuck_request_is_queued_again(personas: Personas, cases: None) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    status_url = ask(officer)
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    FiguresExport.objects.update(status="rendering", requested_at=long_ago, started_at=long_ago)
    assert "Being prepared" in officer.get(status_url).content.decode()
    assert ask(officer) == status_url
    again = FiguresExport.objects.get()
    assert again.status == FiguresExport.Status.QUEUED
    assert again.started_at is None
    assert not again.is_stuck


def test_a_chair_has_their_panels_figures_alone_and_other_panels_people_nothing(
    personas: Personas, cases: None
) -> None:
    chair = sign_in(Client(), personas.belfast_chair)
    belfast = made_here(ask(chair))  # no panel sent: the panel they chair
    assert belfast.panel == personas.belfast
    assert ask(chair, panel=str(personas.belfast.pk)) == f"/monitoring/figures/{belfast.uuid}/"
    book = sheets(download(chair, f"/monitoring/figures/{belfast.uuid}/xlsx/"))
    assert ["Panels", personas.belfast.name] in [row[:2] for row in book["About"]]
    assert table(book["Referrals in progress"])["Total"]["Referrals"] == 8  # not Western's
    text = pdf_text(download(chair, f"/monitoring/figures/{belfast.uuid}/pdf/"))
    assert personas.belfast.name in text
    # Another panel's figures, or every panel's: not for them.
    for panel in (str(personas.western.pk), "nonsense"):
        response = chair.post(reverse("reviews:monitoring_figures"), {"panel": panel})
        assert response.status_code == 404
    officer = sign_in(Client(), personas.sbni_officer)
    every = made_here(ask(officer))
    western_chair = make_persona("western_chair")
    verified_device(western_chair)
    panels.add_member(personas.western, western_chair, Membership.Role.CHAIR, by=None)
    others = [
        (chair, every),
        (sign_in(Client(), western_chair), belfast),
        (sign_in(Client(), personas.belfast_member), belfast),
        (sign_in(Client(), personas.western_member), belfast),
    ]
    for client, made in others:
        for rest in ("", "pdf/", "xlsx/"):
            assert client.get(f"/monitoring/figures/{made.uuid}/{rest}").status_code == 404
    assert (
        sign_in(Client(), western_chair).post(reverse("reviews:monitoring_figures")).status_code
        == 302
    )
    mine = FiguresExport.objects.get(panel=personas.western)
    assert mine.requested_by == western_chair


def test_every_request_and_download_is_audited_without_personal_data(
    personas: Personas, cases: None
) -> None:
    chair = sign_in(Client(), personas.belfast_chair)
    made = made_here(ask(chair))
    download(chair, f"/monitoring/figures/{made.uuid}/pdf/")
    download(chair, f"/monitoring/figures/{made.uuid}/xlsx/")
    requested = AuditEvent.objects.get(action="monitoring.figures_requested")
    assert requested.actor == personas.belfast_chair
    assert requested.summary == (
        "Asked for the year's monitoring figures of April 2025 to March 2026 for "
        f"{personas.belfast.name}"
    )
    downloaded = AuditEvent.objects.filter(action="monitoring.figures_downloaded").order_by("pk")
    assert [event.changes["document"] for event in downloaded] == ["pdf", "xlsx"]
    assert all(event.actor == personas.belfast_chair for event in downloaded)
    assert downloaded[0].summary.endswith(f"for {personas.belfast.name} (PDF)")
    for event in (requested, *downloaded):
        assert personas.belfast_chair.full_name not in event.summary
        assert not any(referral.reference in event.summary for referral in Referral.objects.all())


def test_the_monitoring_page_offers_the_years_figures_of_the_year_and_panel_it_shows(
    personas: Personas, cases: None
) -> None:
    officer = sign_in(Client(), personas.sbni_officer)
    with at(D(2025, 5, 20), hour=11):
        html = officer.get(f"/monitoring/?year=2025&panel={personas.belfast.pk}").content.decode()
    assert "Download the year's figures" in html
    form = html.split('id="figures"', 1)[1]
    assert 'name="year" value="2025"' in form
    assert f'name="panel" value="{personas.belfast.pk}"' in form
    assert "Make the year's figures" in form


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_years_figures(personas: Personas, worker: None) -> None:
    make_cases(personas)
    officer = sign_in(Client(), personas.sbni_officer)
    status_url = ask(officer)
    made = FiguresExport.objects.get()
    for _ in range(600):  # the worker runs in another thread: up to a minute
        made.refresh_from_db()
        if made.status not in (FiguresExport.Status.QUEUED, FiguresExport.Status.RENDERING):
            break
        time.sleep(0.1)
    assert made.status == FiguresExport.Status.READY
    partial = officer.get(f"{status_url}?partial=1").content.decode()
    assert "hx-get" not in partial  # ready: the page stops asking
    assert "Download the spreadsheet (XLSX" in partial
    text = pdf_text(download(officer, f"{status_url}pdf/"))
    assert OPEN_TITLE in text
    assert FEWER in text
    book = sheets(download(officer, f"{status_url}xlsx/"))
    assert table(book["Referrals in progress"])["Information requested"]["Referrals"] == FEWER
