"""The documents as PDFs, read back with pypdf: the marking on every page, page numbers, a table
of contents with the right pages, the draft watermark; the fetcher that reaches nothing else."""

import datetime
import http.server
import io
import json
import re
import threading
import time
from collections.abc import Iterator

import pypdf
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.pdf import html_to_pdf
from panels.models import Agency
from reviews import anonymise, documents, drafting, publishing, services, tasks
from reviews.models import ReportExport, Review
from tests.conftest import Personas, sign_in
from tests.referrals import flow as referral_flow
from tests.reviews import flow

MARKING = "OFFICIAL-SENSITIVE"


def pages(pdf: bytes) -> list[str]:
    """Each page's text, its line breaks read as spaces."""
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return response.content


def one_entry(review: Review, personas: Personas, event: str, significance: str) -> None:
    """One fictional chronology entry, added by the reviewer."""
    entry = {
        "date": flow.TODAY,
        "agency": Agency.objects.get(short_name="PSNI"),
        "event": event,
        "significance": significance,
    }
    services.add_chronology_entries(review, [entry], by=personas.reviewer, source="test")


def overview_report(client: Client, review: Review) -> bytes:
    return overview_report_of(client, review, "overview-report")


@pytest.fixture
def review(personas: Personas) -> Review:
    review = flow.drafted(personas)
    psni = Agency.objects.get(short_name="PSNI")
    services.add_chronology_entries(
        review,
        [
            {"date": flow.TODAY, "agency": psni, "event": f"Fictional event {n}.",
             "significance": "relevant"}
            for n in range(120)
        ],
        by=personas.reviewer,
        source="test",
    )  # fmt: skip
    return review


def test_the_overview_report(personas: Personas, review: Review) -> None:
    pdf = overview_report(sign_in(Client(), personas.lead_reviewer), review)
    text = pages(pdf)
    total = len(text)
    assert total >= 6
    for number, page in enumerate(text, start=1):
        assert page.count(MARKING) >= 2, number  # header and footer
        assert f"Page {number} of {total}" in page
        assert "DRAFT" in page  # not approved yet
    assert "Overview report" in text[0]
    contents = text[1]
    titles = [
        "1. About this review",
        "2. Integrated chronology",
        "3. Findings",
        "4. Recommendations and action plan",
        "Appendix A. Terms of reference",
    ]
    for title in titles:
        found = re.search(re.escape(title) + r"[ .]*(\d+)", contents)
        assert found, title
        heading_page = int(found[1])
        assert title in text[heading_page - 1], title
    chronology_pages = [n for n, page in enumerate(text) if "Fictional event" in page]
    assert len(chronology_pages) >= 2
    for n in chronology_pages:  # the header row repeats on every page of the table
        assert "What happened" in text[n]
    assert AuditEvent.objects.filter(action="review.exported").count() == 1


def test_an_approved_report_has_no_watermark(personas: Personas) -> None:
    review = flow.approved(personas)
    pdf = overview_report(sign_in(Client(), personas.sbni_officer), review)
    assert not any("DRAFT" in page for page in pages(pdf))


@pytest.mark.parametrize("slug", ["executive-summary", "action-plan"])
def test_the_other_review_documents(personas: Personas, review: Review, slug: str) -> None:
    pdf = download(
        sign_in(Client(), personas.sbni_chair), f"/reviews/{review.uuid}/export/{slug}.pdf"
    )
    text = pages(pdf)
    assert all(MARKING in page for page in text)
    assert "Fictional: share referrals within a day." in "".join(text)


def test_the_referral_summary_and_the_decision_letter(personas: Personas) -> None:
    decision = referral_flow.decided(personas)
    referral = decision.referral
    panel = sign_in(Client(), personas.belfast_member)
    summary = "".join(pages(download(panel, f"/referrals/{referral.uuid}/export/summary.pdf")))
    assert referral.reference in summary
    assert "Police Service of Northern Ireland" in summary
    letter = "".join(
        pages(download(panel, f"/referrals/{referral.uuid}/export/decision-letter.pdf"))
    )
    assert "a Case Management Review is required under regulation 17(2)" in letter
    assert MARKING in letter
    assert (
        sign_in(Client(), personas.western_member)
        .get(f"/referrals/{referral.uuid}/export/summary.pdf")
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="referral.exported").count() == 2


class Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        Counting.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listening() -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Counting.hits = []
    yield server.server_address[1]
    server.shutdown()


def test_the_renderer_fetches_nothing_but_static_files(listening: int) -> None:
    html = f"""<html><head><style>
      body {{ background: url("http://127.0.0.1:{listening}/css-url.png"); }}
      @import url("http://127.0.0.1:{listening}/import.css");
    </style><link rel="stylesheet" href="http://127.0.0.1:{listening}/link.css"></head>
    <body><img src="http://127.0.0.1:{listening}/img.png"><img src="file:///etc/passwd">
    <iframe src="file:///etc/passwd"></iframe><p>Text</p></body></html>"""
    text = "".join(pages(html_to_pdf(html)))
    assert Counting.hits == []
    assert "root:" not in text


def test_user_text_that_tries_to_fetch_is_only_text(personas: Personas, listening: int) -> None:
    review = flow.with_team(personas)
    evil = (
        f'<img src="http://127.0.0.1:{listening}/x.png"> ![x](http://127.0.0.1:{listening}/y.png)'
        f' <a href="file:///etc/passwd">x</a> <style>p{{background:url(http://127.0.0.1:{listening}/z)}}</style>'
    )
    section = review.sections.get(key="what_happened")
    drafting.save_section(section, text=evil, base_version=0, by=personas.reviewer)
    services.add_chronology_entries(
        review,
        [{"date": flow.TODAY, "agency": Agency.objects.get(short_name="PSNI"), "event": evil,
          "significance": "key"}],
        by=personas.reviewer,
        source="test",
    )  # fmt: skip
    pdf = overview_report(sign_in(Client(), personas.lead_reviewer), review)
    assert Counting.hits == []
    assert "root:" not in "".join(pages(pdf))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_report_renders_on_a_worker_and_is_kept_until_it_changes(
    personas: Personas, worker: None
) -> None:
    review = flow.drafted(personas)
    client = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/export/overview-report.pdf"
    response = client.get(url)
    assert response.status_code == 302
    status_url = response["Location"]
    assert client.get(status_url).status_code == 200
    made = ReportExport.objects.get()
    for _ in range(300):  # the worker runs in another thread: up to thirty seconds
        made.refresh_from_db()
        if made.status == "ready":
            break
        time.sleep(0.1)
    assert made.status == "ready"
    assert "Download the overview report" in client.get(f"{status_url}?partial=1").content.decode()
    first = client.get(f"{status_url}download/")
    assert first.status_code == 200
    again = client.get(url)  # unchanged: at once, from the kept file
    assert again.status_code == 200
    assert again["Content-Type"] == "application/pdf"
    assert ReportExport.objects.count() == 1
    one_entry(review, personas, "Fictional late entry.", "context")
    assert client.get(url).status_code == 302  # changed: made again
    assert ReportExport.objects.count() == 2
    assert AuditEvent.objects.filter(action="review.exported").count() == 2


def test_the_report_benchmark_runs_and_leaves_nothing_behind(personas: Personas) -> None:
    """At a small scale, so that it cannot rot (its figures are in the README)."""
    out = io.StringIO()
    call_command("benchmark_report", rows=30, paragraphs=2, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["pages"] >= 3
    assert figures["seconds"] > 0
    assert not Review.objects.filter(reference__startswith="CMR-BENCH").exists()


def test_the_publication_version_leaves_no_original_name(personas: Personas) -> None:
    review = flow.drafted(personas)
    section = review.sections.get(key="what_happened")
    drafting.save_section(
        section,
        text="Jane Doe, the mother of Tommy, lived on Elm Street. JANE moved in 2024.",
        base_version=section.version,
        by=personas.reviewer,
    )
    one_entry(review, personas, "Tommy seen at home with Jane (fictional).", "key")
    flow.approve(review, personas)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    for original, replacement in (
        ("Jane Doe", "Mother"), ("Jane", "Mother"), ("Tommy", "Child A"),
        ("Elm Street", "the family's street"),
    ):  # fmt: skip
        officer.post(url, {"form": "adding", "original": original, "replacement": replacement})
    export = f"/reviews/{review.uuid}/export/publication.pdf"
    assert officer.get(export)["Location"] == url  # not before the sign-off
    refused = officer.post(url, {"form": "signing", "checks": ["names", "places"]}).content.decode()
    assert "Confirm every check" in refused
    everything = flow.EVERY_CHECK
    assert officer.post(url, {"form": "signing"}).status_code == 200  # nothing ticked: an error
    assert officer.post(url, {"form": "signing", "checks": everything}).status_code == 302
    made = overview_report_of(officer, review, "publication")
    assert review.reference not in str(pypdf.PdfReader(io.BytesIO(made)).metadata)
    pdf = "".join(pages(made))
    for original in ("Jane", "JANE", "Doe", "Tommy", "Elm Street"):
        assert original not in pdf, original
    assert "Mother, the mother of Child A, lived on the family's street" in pdf
    assert f"{flow.TODAY:%B %Y}" in pdf
    assert f"{flow.TODAY.day} {flow.TODAY:%b %Y}" not in pdf  # no exact dates
    assert "OFFICIAL-SENSITIVE" not in pdf
    assert "DRAFT" not in pdf
    assert review.referral.reference not in pdf
    assert personas.lead_reviewer.full_name not in pdf
    assert AuditEvent.objects.filter(action="review.publication_signed_off").exists()
    assert not AuditEvent.objects.filter(summary__contains="Tommy").exists()
    # A change to the map undoes the sign-off.
    officer.post(url, {"form": "adding", "original": "Doe", "replacement": "family"})
    assert officer.get(export)["Location"] == url


def overview_report_of(client: Client, review: Review, slug: str) -> bytes:
    """Ask for a long document; render it here, as a worker would, when it was queued."""
    url = f"/reviews/{review.uuid}/export/{slug}.pdf"
    if client.get(url).status_code == 302:
        for made in ReportExport.objects.filter(review=review, status="queued"):
            tasks.render_export(made.pk)
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_anonymiser_catches_what_word_processors_and_markdown_do(personas: Personas) -> None:
    review = flow.with_team(personas)
    for original, replacement in (
        ("Jane Doe", "Mother"),
        ("O'Neill", "Family"),
        ("Sam", "Child A"),
    ):
        publishing.set_pseudonym(
            review, original=original, replacement=replacement, by=personas.sbni_officer
        )
    clean = anonymise.Anonymiser(documents.pseudonyms(review))
    assert clean("_Jane Doe_ and Jane\n Doe") == "_Mother_ and Mother"
    assert clean("the O\u2019Neill house") == "the Family house"
    # A long s folds to s in matching but not in str.lower(): still no error, still replaced.
    assert clean("\u017fam and SAM and Samantha") == "Child A and Child A and Samantha"
    rendered = drafting.clean(drafting.render("[Jane](https://example.org/jane)"), links=False)
    assert "example.org" not in rendered


def test_a_stuck_or_changed_export_is_made_again(personas: Personas) -> None:
    review = flow.drafted(personas)
    client = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/export/overview-report.pdf"
    assert client.get(url).status_code == 302
    made = ReportExport.objects.get()
    ReportExport.objects.filter(pk=made.pk).update(
        status="rendering", started_at=timezone.now() - datetime.timedelta(minutes=30)
    )  # a worker died half way
    assert client.get(url).status_code == 302
    assert ReportExport.objects.get().status == "queued"
    one_entry(review, personas, "Fictional late entry.", "context")
    tasks.render_export(made.pk)  # the content moved on: this one is not made
    assert ReportExport.objects.get(pk=made.pk).status == "failed"


def test_a_publication_rendered_from_an_earlier_map_never_goes_out(personas: Personas) -> None:
    review = flow.drafted(personas)
    section = review.sections.get(key="what_happened")
    drafting.save_section(
        section, text="Jane Doe moved in 2024.", base_version=section.version, by=personas.reviewer
    )
    flow.approve(review, personas)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    everything = flow.EVERY_CHECK
    officer.post(url, {"form": "adding", "original": "Jane", "replacement": "Mother"})
    assert officer.post(url, {"form": "signing", "checks": everything}).status_code == 302
    overview_report_of(officer, review, "publication")
    earlier = ReportExport.objects.get(slug="publication", status="ready")
    download = reverse("reviews:export_download", args=[review.uuid, earlier.uuid])
    assert officer.get(download).status_code == 200
    # "Doe" was missed: the map changes, the sign-off is undone, then given again.
    officer.post(url, {"form": "adding", "original": "Doe", "replacement": "family"})
    assert officer.post(url, {"form": "signing", "checks": everything}).status_code == 302
    assert officer.get(download).status_code == 404
    made = "".join(pages(overview_report_of(officer, review, "publication")))
    assert "Doe" not in made
    assert "Mother family moved in 2024" in made


def test_an_export_asked_for_again_starts_its_clock_again(personas: Personas) -> None:
    review = flow.drafted(personas)
    client = sign_in(Client(), personas.lead_reviewer)
    url = f"/reviews/{review.uuid}/export/overview-report.pdf"
    assert client.get(url).status_code == 302
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    ReportExport.objects.update(status="rendering", requested_at=long_ago, started_at=long_ago)
    assert client.get(url).status_code == 302
    again = ReportExport.objects.get()
    assert again.status == "queued"
    assert again.started_at is None
    assert not again.is_stuck
