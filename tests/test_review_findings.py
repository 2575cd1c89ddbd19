"""What a read of the whole change (issues 15 to 17) found, each kept from coming back."""

import io
import zipfile

import pytest
from django.test import Client

from cmr_portal.kernel.audit.services import record
from cmr_portal.tooling.management.commands.benchmark_import import rows_xml, xlsx
from reviews.anonymise import Anonymiser, places
from reviews.chronology import COLUMNS, LIMITS, ImportRefused, check
from reviews.forms import PseudonymForm
from tests.conftest import Personas, sign_in
from tests.referrals import flow


def test_a_panel_reads_its_decisions_history_without_the_cmr_panels_recommendation(
    personas: Personas,
) -> None:
    referral = flow.decided(personas).referral
    url = f"/referrals/{referral.uuid}/history/"
    shown = "The CMR Panel&#x27;s recommendation"
    assert shown in sign_in(Client(), personas.sbni_officer).get(url).content.decode()
    member = sign_in(Client(), personas.belfast_member).get(url)
    assert member.status_code == 200
    assert shown not in member.content.decode()


def test_the_admins_audit_trail_shows_no_case_content(personas: Personas) -> None:
    event = record(
        "referral.updated",
        actor=personas.belfast_member,
        summary="Changed answers on a fictional referral",
        target=personas.belfast,
        changes={"event_summary": ["Before", "Fictional words of the case"]},
    )
    for persona in (personas.admin, personas.superuser):
        client = sign_in(Client(), persona)
        page = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
        assert page.status_code == 200
        assert "Changed answers on a fictional referral" in page.content.decode()
        assert "Fictional words of the case" not in page.content.decode()


def broken_member(name: str) -> bytes:
    """A valid XLSX whose member ``name`` has its compressed bytes damaged."""
    book = io.BytesIO(xlsx(rows_xml([COLUMNS])))
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo(name)
    data = bytearray(book.getvalue())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


@pytest.mark.parametrize(
    "content",
    [
        xlsx('<row r="1"><c r="A0" t="inlineStr"><is><t>Date</t></is></c></row>'),
        broken_member("xl/worksheets/sheet1.xml"),
    ],
    ids=["cell A0", "damaged compressed data"],
)
def test_a_damaged_spreadsheet_is_refused_in_words(content: bytes) -> None:
    with pytest.raises(ImportRefused, match="not a readable XLSX spreadsheet"):
        check(io.BytesIO(content), "chronology.xlsx")


@pytest.mark.parametrize("original", ["-", "'", "\u2013", " - "])
def test_a_pseudonym_of_punctuation_alone_names_nothing(original: str) -> None:
    pairs = [(original, "X"), ("Tommy", "Child A")]
    assert (
        Anonymiser(pairs)("Tommy's coat - a fictional one.") == "Child A's coat - a fictional one."
    )
    assert [place.original for place in places("Tommy - Tom-my", pairs)] == ["Tommy", "Tommy"]
    form = PseudonymForm({"original": original, "replacement": "X"})
    assert not form.is_valid()
    assert form.errors["original"] == ["The word or name must have a letter or a number in it"]


def test_a_line_of_separators_is_refused_before_it_is_split() -> None:
    """A file within the size limit that is one line of commas would be 21 million cells."""
    line = b"," * (LIMITS.columns * (LIMITS.cell_characters + 1) + 1)
    with pytest.raises(ImportRefused, match="a chronology has 7"):
        check(io.BytesIO(b"Date,End date\r\n" + line), "chronology.csv")
