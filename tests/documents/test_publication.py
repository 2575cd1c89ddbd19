"""The publication version leaves no original name (issue 15, item 4): the pseudonym map is
applied to the printed text after normalisation, the printed text is checked before the
sign-off, and the PDF's text and metadata are checked again before it can go out. Every name and
text here is fictional."""

import io
import unicodedata

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from cmr_portal.kernel.pdf import html_to_pdf
from reviews import documents, drafting, publishing, tasks
from reviews.models import FindingSection, LearningTheme, PublicationSignOff, ReportExport, Review
from tests.conftest import Personas, sign_in
from tests.documents.test_pdfs import one_entry, overview_report_of, pages
from tests.reviews import flow

EVERY_CHECK = flow.EVERY_CHECK
# The map, and two more names for the rest of the kind.
MAP = [
    ("Seán", "Sibling 1"),
    ("Tommy", "Child A"),
    ("O'Neill", "Grandfather"),
    ("Fionnuala", "Aunt"),
    ("Mary Kate", "Neighbour"),
]
FINDINGS = """## Tommy at home

Sea\u0301n visited Tom\u00admy. Tom**my** met O'Neill.

Full-width \uff34\uff2f\uff2d\uff2d\uff39, a ligature in \ufb01onnuala, O\u2019Neill curly,
ONEILL, Tommy's bike.

Mary
Kate lived next door, and Mary\x20\x20
Kate again; Tom\u200bmy with a zero-width space.

[Tommy's school](https://example.org/tommy) was told.

| Who | Note |
|---|---|
| Tommy | O'Neill's house |
"""


def draft(review: Review, personas: Personas, key: str, text: str) -> None:
    section = review.sections.get(key=key)
    drafting.save_section(section, text=text, base_version=section.version, by=personas.reviewer)


def with_map(review: Review, personas: Personas, pairs: list[tuple[str, str]]) -> None:
    for original, replacement in pairs:
        publishing.set_pseudonym(
            review, original=original, replacement=replacement, by=personas.sbni_officer
        )


def folded(text: str) -> str:
    """The text as a careful reader compares it: compatibility forms, no invisible characters,
    no accents, any case."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


def test_no_original_name_reaches_the_publication_pdf(personas: Personas) -> None:
    review = flow.drafted(personas)
    draft(review, personas, "what_happened", FINDINGS)
    one_entry(review, personas, "Sea\u0301n O\u2019Neill rang the school (fictional).", "key")
    review.themes.add(LearningTheme.objects.create(name="Tommy's schooling (fictional)"))
    flow.approve(review, personas)
    with_map(review, personas, MAP)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    page = officer.get(url).content.decode()
    assert "Names still in the publication version" not in page
    assert officer.post(url, {"form": "signing", "checks": EVERY_CHECK}).status_code == 302
    made = overview_report_of(officer, review, "publication")
    text = " ".join(pages(made))
    for original in ("Seán", "Sean", "Tommy", "O'Neill", "ONeill", "Fionnuala", "Mary Kate"):
        assert folded(original) not in folded(text), original
    assert "Child A at home" in text  # a heading
    assert "Sibling 1 visited Child A. Child A met Grandfather." in text  # the three
    assert "Full-width Child A, a ligature in Aunt, Grandfather curly, Grandfather" in text
    assert "Child A's bike" in text  # the surrounding text as typed
    assert "Neighbour lived next door, and Neighbour again; Child A with" in text
    assert "Child A's school was told" in text  # a link's words
    assert "Child A Grandfather's house" in text  # a table's cells
    assert "Sibling 1 Grandfather rang the school" in text  # a chronology entry
    assert "Child A's schooling" in text  # a learning theme
    metadata = pypdf.PdfReader(io.BytesIO(made)).metadata
    assert metadata is not None
    assert not any("tommy" in folded(str(value)) for value in metadata.values())


def test_the_sign_off_is_refused_while_a_name_is_still_printed(personas: Personas) -> None:
    review = flow.drafted(personas)
    draft(
        review,
        personas,
        "what_happened",
        "Samantha wrote to tommy.oneill@example.org about #TommysFight; T o m m y and Sea n.",
    )
    flow.approve(review, personas)
    with_map(review, personas, [*MAP, ("Sam", "Child B")])
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    refused = officer.post(url, {"form": "signing", "checks": EVERY_CHECK})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "still shows an original name, or something close to one, in 4 places" in page
    assert "Names still in the publication version" in page
    for word in ("Samantha", "#TommysFight;", "T o m m y", "Sea n."):  # the word it was found in
        assert f"<strong>{word}</strong>" in page, word
    assert "<mark>T o m m y</mark> and Sea n" in page  # and its context
    assert "about #<mark>Tommy</mark>sFight" in page.replace("\n", "")
    assert not PublicationSignOff.objects.filter(review=review).exists()
    # Resolved: a word that only holds a name kept as itself, the rest through the map or
    # changed in the text.
    with_map(review, personas, [("Samantha", "Samantha"), ("TommysFight", "the campaign"),
                                ("T o m m y", "Child A"), ("Sea n", "Sibling 1")])  # fmt: skip
    assert "Names still in the publication version" not in officer.get(url).content.decode()
    assert officer.post(url, {"form": "signing", "checks": EVERY_CHECK}).status_code == 302
    text = " ".join(pages(overview_report_of(officer, review, "publication")))
    assert "Samantha wrote to Child A.Grandfather@example.org about #the campaign" in text


def test_the_worker_refuses_a_pdf_that_still_shows_a_name(personas: Personas) -> None:
    review = flow.approved(personas)
    with_map(review, personas, MAP)
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    assert officer.post(url, {"form": "signing", "checks": EVERY_CHECK}).status_code == 302
    # A change the sign-off did not see (made here behind the services' back).
    text = "Tommysfight was the family's campaign (fictional)."
    FindingSection.objects.filter(review=review, key="what_happened").update(
        text=text, html=drafting.render(text)
    )
    export = f"/reviews/{review.uuid}/export/publication.pdf"
    status = officer.get(export)["Location"]
    tasks.render_export(ReportExport.objects.get(review=review, slug="publication").pk)
    made = ReportExport.objects.get(review=review, slug="publication")
    assert made.status == "failed"
    assert made.document is None
    shown = officer.get(status).content.decode()
    assert "An original name is still in the PDF: “Tommysfight” (page" in shown
    assert "for Tommy" in shown
    assert (
        officer.get(reverse("reviews:export_download", args=[review.uuid, made.uuid])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("head", "where"),
    [
        ("<title>Tommy's review</title>", "Title"),
        ('<meta name="author" content="T. O\u2019Neill">', "Author"),
        ('<meta name="description" content="About Sea\u0301n">', "Subject"),
        ('<meta name="keywords" content="fictional, tommy">', "Keywords"),
    ],
)
def test_the_pdf_check_reads_the_metadata(personas: Personas, head: str, where: str) -> None:
    review = flow.with_team(personas)
    with_map(review, personas, MAP)
    pdf = html_to_pdf(f"<html><head>{head}</head><body><p>Fictional.</p></body></html>")
    found = documents.pdf_places(review, pdf)
    assert [place.where for place in found] == [f"the PDF's {where}"]
