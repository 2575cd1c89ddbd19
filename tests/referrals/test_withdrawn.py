"""A withdrawn referral says so on every page, with when and why, and no longer asks for its
regulation 17 answers: the overview, the sections, check your answers and the summary PDF."""

import io

import pypdf
import pytest
from django.test import Client
from django.utils import timezone

from referrals import services
from referrals.forms import SECTIONS
from referrals.models import Referral
from referrals.workflow import ReferralError
from tests.conftest import Personas, sign_in
from tests.referrals import flow

REASON = "Logged twice by mistake (fictional)"


def withdrawn_draft(personas: Personas) -> Referral:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    return services.withdraw_referral(
        referral, reason=REASON, by=personas.belfast_member, seen=None
    )


def said_when(referral: Referral) -> str:
    referral.refresh_from_db()
    day = timezone.localtime(referral.withdrawn_at)
    return f"This referral was withdrawn on {day:%-d %B %Y}"


def test_the_overview_of_a_withdrawn_draft_says_when_and_why_and_asks_nothing(
    personas: Personas,
) -> None:
    referral = withdrawn_draft(personas)
    page = sign_in(Client(), personas.belfast_member).get(f"/referrals/{referral.uuid}/").text
    assert f"{said_when(referral)}, before it was sent." in page
    assert f"Reason: {REASON}" in page
    for prompt in (
        "Regulation 17:",
        "Complete the referral",
        "Check your answers",
        "has been sent",
    ):
        assert prompt not in page, prompt


def test_a_withdrawn_sent_referral_says_so_to_the_sbni_too(personas: Personas) -> None:
    referral = flow.sent(personas)
    services.withdraw_referral(referral, reason=REASON, by=personas.belfast_member, seen=None)
    page = sign_in(Client(), personas.sbni_officer).get(f"/referrals/{referral.uuid}/").text
    assert f"{said_when(referral)}." in page
    assert "before it was sent" not in page
    assert f"Reason: {REASON}" in page
    assert "Regulation 17:" not in page


@pytest.mark.parametrize(
    "page", [*(section.slug for section in SECTIONS), "check", "siblings", "agencies", "documents"]
)
def test_every_page_for_changing_it_says_it_was_withdrawn(personas: Personas, page: str) -> None:
    referral = withdrawn_draft(personas)
    member = sign_in(Client(), personas.belfast_member)
    response = member.get(f"/referrals/{referral.uuid}/{page}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/referrals/{referral.uuid}/"
    assert f"{said_when(referral)}, so it can no longer be changed." in response.text
    assert "has been sent" not in response.text


def test_a_change_to_it_is_refused_with_the_same_words(personas: Personas) -> None:
    referral = withdrawn_draft(personas)
    with pytest.raises(ReferralError, match=f"^{said_when(referral)}, so it can no longer"):
        services.update_referral(referral, {"child_initials": "AB"}, by=personas.belfast_member)


def test_its_summary_pdf_says_it_was_withdrawn_and_why(personas: Personas) -> None:
    referral = withdrawn_draft(personas)
    member = sign_in(Client(), personas.belfast_member)
    response = member.get(f"/referrals/{referral.uuid}/export/summary.pdf")
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    referral.refresh_from_db()
    assert f"Withdrawn on {timezone.localtime(referral.withdrawn_at):%-d %B %Y}." in text
    assert REASON in text
    assert "Regulation 17:" not in text
