"""Every document prints whatever was typed (issue 15, item 6), read back from the PDFs with
pypdf: every glyph and picture inside the margins, whatever the length of a word, a link or an
address; every script in a font that has it (no .notdef glyph, as WeasyPrint reports); the
headings typed in a findings section below the section's own; tagged PDFs a screen reader can
read. All text is fictional."""

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pypdf
import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from cmr_portal.kernel.pdf import html_to_pdf
from panels.models import Agency
from referrals.models import Decision
from reviews import documents, drafting, follow_up, services
from reviews.models import Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow

# templates/pdf/base.html: A4, 20 mm either side.
MM = 72 / 25.4
PAPER_WIDTH = 210 * MM
LEFT, RIGHT = 20 * MM, (210 - 20) * MM
TOLERANCE = 0.5  # points: rounding in the PDF's numbers, far below what anyone could see

REVIEW_DOCUMENTS = ["overview-report", "executive-summary", "action-plan", "publication"]
REFERRAL_DOCUMENTS = ["summary", "decision-letter"]

# What people type, pasted from messages and letters (fictional).
SCRIPTS = {
    "emoji": "Mum said 👍😀🥰 and ❤️ 👨‍👩‍👧",
    "Irish": "Seán Ó Súilleabháin, Máire Ní Bhriain, Caoimhín Ó Dálaigh",
    "Polish": "Zażółć gęślą jaźń, Łódź, Wrocław",
    "Lithuanian": "Ąžuolas Čiurlionis, Šiaulių ėęįųū",
    "Arabic": "مرحبا بكم في المدرسة",
    "Chinese": "你好\uff0c我們的孩子在學校",
}


def matrix(m: Any, n: Any) -> list[float]:
    """The product of two PDF matrices [a b c d e f], ``m`` applied first."""
    a, b, c, d, e, f = (float(x) for x in m)
    p, q, r, s, t, u = (float(x) for x in n)
    return [
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    ]


def point(m: list[float], x: float, y: float) -> tuple[float, float]:
    return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])


@dataclass
class Page:
    """What one page of a PDF draws: each run of text and each picture as (what, left, right)
    in points from the paper's left edge."""

    extents: list[tuple[str, float, float]] = field(default_factory=list)


def read(pdf: bytes) -> list[Page]:
    """Each page as drawn. WeasyPrint writes text as Type0 fonts with two-byte glyph ids
    (Identity-H), each run placed by Tm within BT and ET; pictures (emoji too) by Do."""
    return [drawn(pdf_page) for pdf_page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def drawn(pdf_page: Any) -> Page:
    page = Page()
    fonts = pdf_page["/Resources"].get("/Font", {})
    state: dict[str, Any] = {"tm": [1, 0, 0, 1, 0, 0], "tlm": [1, 0, 0, 1, 0, 0], "tc": 0.0}

    def widths(name: str) -> tuple[dict[int, float], float]:
        font = fonts[name].get_object()
        assert font["/Subtype"] == "/Type0", font["/Subtype"]
        descendant = font["/DescendantFonts"][0].get_object()
        table: dict[int, float] = {}
        w = list(descendant.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            if isinstance(w[i + 1], ArrayObject | list):
                for offset, width in enumerate(w[i + 1]):
                    table[first + offset] = float(width)
                i += 2
            else:
                for glyph in range(first, int(w[i + 1]) + 1):
                    table[glyph] = float(w[i + 2])
                i += 3
        return table, float(descendant.get("/DW", 1000))

    def before(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        if operator == b"BT":
            state["tm"] = state["tlm"] = [1, 0, 0, 1, 0, 0]
        elif operator == b"Tm":
            state["tm"] = state["tlm"] = [float(x) for x in operands]
        elif operator in (b"Td", b"TD"):
            state["tm"] = state["tlm"] = matrix(
                [1, 0, 0, 1, float(operands[0]), float(operands[1])], state["tlm"]
            )
        elif operator == b"Tc":
            state["tc"] = float(operands[0])
        elif operator == b"Tf":
            state["font"], state["size"] = str(operands[0]), float(operands[1])
            state["widths"] = widths(state["font"])
        elif operator in (b"TJ", b"Tj"):
            parts = operands[0] if operator == b"TJ" else [operands[0]]
            table, default = state["widths"]
            size, advance = state["size"], 0.0
            for part in parts:
                if isinstance(part, bytes | str):
                    data = part if isinstance(part, bytes) else part.encode("latin-1")
                    for i in range(0, len(data), 2):
                        glyph = int.from_bytes(data[i : i + 2], "big")
                        advance += table.get(glyph, default) / 1000 * size + state["tc"]
                else:
                    advance -= float(part) / 1000 * size
            whole = matrix(state["tm"], cm)
            x0, x1 = point(whole, 0, 0)[0], point(whole, advance, 0)[0]
            page.extents.append((state["font"], min(x0, x1), max(x0, x1)))
            state["tm"] = matrix([1, 0, 0, 1, advance, 0], state["tm"])
        elif operator == b"Do":
            corners = [point([float(x) for x in cm], x, y) for x in (0, 1) for y in (0, 1)]
            xs = [x for x, _ in corners]
            page.extents.append((str(operands[0]), min(xs), max(xs)))

    pdf_page.extract_text(visitor_operand_before=before)
    return page


def outside_the_margins(pdf: bytes, tolerance: float = TOLERANCE) -> list[str]:
    """Every run of text or picture that reaches past either margin, with where it reaches."""
    return [
        f"page {number}: {what} from {left / MM:.1f} mm to {right / MM:.1f} mm"
        for number, page in enumerate(read(pdf), start=1)
        for what, left, right in page.extents
        if left < LEFT - tolerance or right > RIGHT + tolerance
    ]


def structure(pdf: bytes) -> list[str]:
    """The roles of the tagged PDF's structure tree in reading order (H1, P, Table, TD...)."""

    def walk(element: Any) -> Iterator[str]:
        element = element.get_object() if isinstance(element, IndirectObject) else element
        if isinstance(element, ArrayObject | list):
            for kid in element:
                yield from walk(kid)
        elif isinstance(element, DictionaryObject) and element.get("/Type") != "/MCR":
            if "/S" in element:
                yield str(element["/S"]).lstrip("/")
            yield from walk(element.get("/K", []))

    return list(walk(pypdf.PdfReader(io.BytesIO(pdf)).root_object["/StructTreeRoot"]))


def headings(pdf: bytes) -> list[str]:
    """The levels of the headings a screen reader would list, in order (H1 to H6)."""
    return [role for role in structure(pdf) if role in {"H1", "H2", "H3", "H4", "H5", "H6"}]


def fonts(pdf: bytes) -> set[str]:
    """The fonts embedded in the PDF, without their subset prefix ("Noto-Sans-Arabic")."""
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
        for font in cast(
            DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"]
        ).values()
    }


def review_pdf(review: Review, slug: str) -> bytes:
    return documents.pdf(review, slug)


def referral_pdf(client: Client, decision: Decision, slug: str) -> bytes:
    response = client.get(f"/referrals/{decision.referral.uuid}/export/{slug}.pdf")
    assert response.status_code == 200
    return response.content


def fill_every_typed_field(word: str) -> None:
    """Every text field of every record of the three apps that holds something (any a person
    can type: not the choices, not what the portal writes itself) made one unbroken word, as
    long as the field takes (a TextField, 600 characters); unique fields begin with the id."""
    for label in ("panels", "referrals", "reviews"):
        for model in apps.get_app_config(label).get_models():
            typed = {
                f.name: f
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
                and f.editable
                and not f.choices
                and f.name not in {"password", "code", "content_hash", "slug"}
            }
            if not typed:
                continue
            for row in model._default_manager.values("pk", *typed):
                model._default_manager.filter(pk=row["pk"]).update(
                    **{
                        name: ((f"{row['pk']}" if f.unique else "") + word * 600)[
                            : f.max_length or 600
                        ]
                        for name, f in typed.items()
                        if row[name]
                    }
                )


@pytest.fixture
def everything(personas: Personas) -> tuple[Review, Decision]:
    """A review with every document's parts (its referral decided, a chronology, findings,
    an action with progress, a pseudonym map signed off) and a decision with its letter."""
    review = flow.drafted(personas)
    services.add_chronology_entries(
        review,
        [{"date": flow.TODAY, "agency": Agency.objects.get(short_name="PSNI"),
          "event": "Fictional event.", "significance": "key", "source": "Fictional record"}],
        by=personas.reviewer,
        source="test",
    )  # fmt: skip
    flow.approve(review, personas)
    action = review.recommendations.get().actions.get()
    follow_up.update_action(
        action, status="on_track", note="Fictional progress.", evidence=None,
        by=personas.lead_reviewer,
    )  # fmt: skip
    officer = sign_in(Client(), personas.sbni_officer)
    url = f"/reviews/{review.uuid}/publication/"
    officer.post(url, {"form": "adding", "original": "Fictional", "replacement": "Someone"})
    everything = flow.EVERY_CHECK
    assert officer.post(url, {"form": "signing", "checks": everything}).status_code == 302
    return review, review.decision


def test_an_eighty_character_word_in_the_chronology_stays_on_the_paper(
    personas: Personas,
) -> None:
    """The issue's example: the table's last column was pushed 26 mm past the paper's edge."""
    review = flow.drafted(personas)
    word = "Fictional" + "W" * 71
    services.add_chronology_entries(
        review,
        [{"date": flow.TODAY, "agency": Agency.objects.get(short_name="PSNI"), "event": word,
          "significance": "key"}],
        by=personas.reviewer,
        source="test",
    )  # fmt: skip
    pdf = review_pdf(review, "overview-report")
    assert outside_the_margins(pdf) == []
    text = "".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[3].extract_text().split())
    assert word in text  # broken across lines, nothing lost
    assert "Keyevent" in text or "Key" in text  # the last column still printed


@pytest.mark.parametrize(
    ("word", "tolerance"),
    [
        ("W", TOLERANCE),  # the widest Latin letter
        ("👍", TOLERANCE),  # emoji side by side, as pasted from a message
        ("學", TOLERANCE),  # Chinese
        # Arabic, right to left. WeasyPrint measures a line before the letter at its end takes
        # its final form, which can be wider: a word broken across lines may reach up to about
        # half a letter into the margin (0.4 mm at 13 pt), never off the paper.
        ("مرحبا", 3 * MM),
    ],
)
def test_any_field_of_any_document_stays_inside_the_margins(
    personas: Personas, everything: tuple[Review, Decision], word: str, tolerance: float
) -> None:
    review, decision = everything
    panel = sign_in(Client(), personas.belfast_member)
    fill_every_typed_field(word)
    review.refresh_from_db()
    for slug in REVIEW_DOCUMENTS:
        assert outside_the_margins(review_pdf(review, slug), tolerance) == [], slug
    for slug in REFERRAL_DOCUMENTS:
        assert outside_the_margins(referral_pdf(panel, decision, slug), tolerance) == [], slug


def test_long_links_addresses_code_and_tables_in_the_findings_stay_inside_the_margins(
    personas: Personas,
) -> None:
    review = flow.drafted(personas)
    path = "/".join(["fictional-case-management-review-appendix"] * 8)
    columns = 9
    findings = "\n\n".join(
        [
            f"See https://www.example.org/{path}?page=1 and <https://www.example.org/{path}>.",
            f"[The agency's guidance](https://www.example.org/{path})",
            "Write to fictional.safeguarding.officer.of.the.western.health.and.social.care."
            "trust.team@example.org today.",
            "    " + "fictional_code_line_without_any_space_" * 12,
            "> " + "Quoted" * 60,
            "- " + "Listed" * 60 + "\n- Short",
            "| "
            + " | ".join(f"Heading{n}" * 4 for n in range(columns))
            + " |\n"
            + "|"
            + "---|" * columns
            + "\n"
            + "| "
            + " | ".join("Cell" * 20 for _ in range(columns))
            + " |",
        ]
    )
    for section in review.sections.all():
        drafting.save_section(
            section, text=findings, base_version=section.version, by=personas.reviewer
        )
    for slug in ("overview-report", "executive-summary"):
        pdf = review_pdf(review, slug)
        assert outside_the_margins(pdf) == [], slug
    text = "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(
        io.BytesIO(review_pdf(review, "overview-report"))).pages)  # fmt: skip
    assert f"https://www.example.org/{path}?page=1" in text
    assert "Cell" * 20 in text


@pytest.mark.xfail(
    strict=True,
    reason="WeasyPrint 70 cannot break a word that an inline element (bold, code, a link) splits: "
    "https://github.com/Kozea/WeasyPrint/issues/1614",
)
def test_a_long_word_with_emphasis_inside_it_stays_inside_the_margins(personas: Personas) -> None:
    review = flow.drafted(personas)
    section = review.sections.get(key="what_happened")
    drafting.save_section(
        section,
        text="Fictional " + "W" * 60 + "**" + "W" * 60 + "**" + "W" * 60,
        base_version=section.version,
        by=personas.reviewer,
    )
    assert outside_the_margins(review_pdf(review, "executive-summary")) == []


NOTDEF = ".notdef glyph rendered"  # what WeasyPrint logs for a character no font has


def test_every_script_prints_in_a_font_that_has_it(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    review = flow.drafted(personas)
    panel = sign_in(Client(), personas.belfast_member)
    typed = " ".join(SCRIPTS.values())
    services.add_chronology_entries(
        review,
        [{"date": flow.TODAY, "agency": Agency.objects.get(short_name="PSNI"), "event": typed,
          "significance": "key"}],
        by=personas.reviewer,
        source="test",
    )  # fmt: skip
    Decision.objects.filter(pk=review.decision.pk).update(reasons=typed)
    review.recommendations.update(text=typed)
    caplog.set_level("WARNING", logger="weasyprint")
    pdfs = {slug: review_pdf(review, slug) for slug in ("overview-report", "action-plan")}
    pdfs["decision-letter"] = referral_pdf(panel, review.decision, "decision-letter")
    assert [r.getMessage() for r in caplog.records if NOTDEF in r.getMessage()] == []
    for slug, pdf in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        for script, words in SCRIPTS.items():  # wherever the lines break
            assert "".join(words.split()) in text, (slug, script)
        assert {"Noto-Color-Emoji", "Noto-Sans-Arabic", "WenQuanYi-Micro-Hei"} <= fonts(pdf), slug
    # Digits stay text: the emoji font draws only emoji (named in the stylesheet, it drew
    # "17(2)" and the dates as pictures).
    summary = fonts(referral_pdf(panel, review.decision, "summary"))
    assert not any("Emoji" in font for font in summary), summary


def test_a_character_no_font_has_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    """The check above would see one: an unassigned code point prints as .notdef."""
    caplog.set_level("WARNING", logger="weasyprint")
    html_to_pdf('<html lang="en-GB"><title>Fictional</title><p>Fictional \u0378</p></html>')
    assert any(NOTDEF in r.getMessage() for r in caplog.records)


def test_headings_typed_in_a_section_print_below_the_sections_own(personas: Personas) -> None:
    review = flow.drafted(personas)
    section = review.sections.get(key="what_happened")
    drafting.save_section(
        section,
        text="# Fictional background\n\nText.\n\n## Fictional visits\n\nText.\n\n"
        "#### Fictional detail\n\n###### Fictional note\n\n<h2>Fictional typed tag</h2>",
        base_version=section.version,
        by=personas.reviewer,
    )
    report = review_pdf(review, "overview-report")
    outline = headings(report)
    # The cover's H1; Contents, 1, 2 and 3 as H2; the first section's H3, then what was typed
    # in the order typed, the highest one level below it (#, ##, ####, ######, then <h2>).
    assert outline[:11] == ["H1", "H2", "H2", "H2", "H2", "H3", "H4", "H5", "H6", "H6", "H5"]
    assert outline[11:16] == ["H3"] * 5  # the other sections: nothing typed above them
    assert (outline.count("H1"), outline.count("H2")) == (1, 7)
    levels = [int(role[1]) for role in outline]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # none skipped
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report)).pages)
    assert all(
        f"Fictional {w}" in text for w in ("background", "visits", "detail", "note", "typed tag")
    )
    summary = headings(review_pdf(review, "executive-summary"))
    # The first paragraph, "# Fictional background", under "2.1 What happened?".
    assert summary.index("H4") == summary.index("H3") + 1


def test_every_document_is_a_tagged_pdf(
    personas: Personas, everything: tuple[Review, Decision]
) -> None:
    review, decision = everything
    panel = sign_in(Client(), personas.belfast_member)
    pdfs = {slug: review_pdf(review, slug) for slug in REVIEW_DOCUMENTS}
    pdfs |= {slug: referral_pdf(panel, decision, slug) for slug in REFERRAL_DOCUMENTS}
    for slug, pdf in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        root = reader.root_object
        assert "/StructTreeRoot" in root, slug
        assert cast(DictionaryObject, root["/MarkInfo"])["/Marked"], slug
        assert str(root["/Lang"]) == "en-GB", slug
        assert cast(DictionaryObject, root["/ViewerPreferences"])["/DisplayDocTitle"], slug
        assert reader.metadata is not None, slug
        assert reader.metadata.title, slug
        roles = set(structure(pdf))
        assert {"P", "H1"} & roles, (slug, roles)
    assert pypdf.PdfReader(io.BytesIO(pdfs["overview-report"])).metadata.title == (  # type: ignore[union-attr]
        f"Overview report: review {review.reference}"
    )
    assert {"Table", "TR", "TH", "TD", "H2", "H3"} <= set(structure(pdfs["overview-report"]))
