"""From a sent referral to a recorded decision, page by page, by the right people; stale forms
and bad input keep what was typed; answers carry documents."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from referrals import services
from referrals.models import (
    AgendaItem,
    Decision,
    Meeting,
    Outcome,
    Recommendation,
    Referral,
    ReferralDocument,
)
from reviews.models import Review
from tests import files
from tests.conftest import Personas, sign_in
from tests.referrals import flow
from tests.referrals.test_referral_pages import date_fields

TODAY = timezone.localdate()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_referral_goes_from_sent_to_decided_in_the_browser(personas: Personas) -> None:
    referral = flow.sent(personas)
    overview = f"/referrals/{referral.uuid}/"
    officer = sign_in(Client(), personas.sbni_officer)
    assert officer.post(f"{overview}acknowledge/").status_code == 302

    response = officer.post(
        "/referrals/meetings/new/", {**date_fields("date", TODAY), "place": "Room 1 (fictional)"}
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/referrals/meetings/{meeting.uuid}/"
    meeting_url = response["Location"]
    assert referral.reference in page(officer, f"{meeting_url}agenda/add/")
    response = officer.post(f"{meeting_url}agenda/add/", {"referral": referral.pk})
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    response = officer.post(
        f"{meeting_url}attendance/", {f"member_{personas.cmr_panel_chair.pk}": "present"}
    )
    assert response.status_code == 302
    assert "1 of 1 members present. Quorate." in page(officer, meeting_url)

    chair = sign_in(Client(), personas.cmr_panel_chair)
    item_url = f"{meeting_url}agenda/{item.uuid}/"
    chair.post(
        f"{item_url}declare/",
        {
            "member": personas.cmr_panel_chair.pk,
            "interest": "Fictional interest.",
            "took_part": "yes",
        },
    )
    form = page(chair, f"{item_url}recommend/")
    assert 'name="seen" value="under_consideration"' in form
    assert "---------" not in form  # no empty radio button for the outcome
    # The panel's answers are filled in.
    assert re.search(r'name="harm"[^>]*value="yes"\s*checked', form)
    response = chair.post(
        f"{item_url}recommend/",
        {
            **flow.recommendation_values(learning_route="", dissent="One member (fictional)."),
            "seen": "under_consideration",
        },
    )
    assert response.status_code == 302
    assert Recommendation.objects.get().dissent == "One member (fictional)."

    sbni_chair = sign_in(Client(), personas.sbni_chair)
    assert "Decide whether a CMR is required" in page(sbni_chair, overview)
    assert "Fictional rationale" in page(sbni_chair, f"{overview}decide/")
    response = sbni_chair.post(
        f"{overview}decide/",
        {"outcome": Outcome.CMR_17_2, "reasons": "Fictional reasons.", "seen": "recommended"},
        follow=True,
    )
    review = Review.objects.get()
    assert f"Review {review.reference} is open." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DECIDED

    panel = sign_in(Client(), personas.belfast_member)
    seen_by_panel = page(panel, overview)
    assert "Decision: CMR required: route 17(2)" in seen_by_panel
    assert "One member (fictional)." not in seen_by_panel  # the Panel's dissent is the SBNI's
    letter = page(panel, f"{overview}decision/")
    assert "a Case Management Review is required under regulation 17(2)" in letter
    assert "Fictional reasons." in letter
    actions = set(AuditEvent.objects.filter(target_id=str(referral.pk)).values_list("action"))
    assert {
        ("referral.acknowledged",),
        ("referral.added_to_agenda",),
        ("referral.interest_declared",),
        ("referral.recommended",),
        ("referral.decided",),
        ("referral.decision_viewed",),
    } <= actions


def test_a_stale_decision_form_saves_nothing_and_keeps_the_text(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    sbni_chair = sign_in(Client(), personas.sbni_chair)
    assert 'name="seen" value="recommended"' in page(
        sbni_chair, f"/referrals/{referral.uuid}/decide/"
    )
    services.withdraw_referral(referral, reason="Fictional", by=personas.belfast_chair)
    response = sbni_chair.post(
        f"/referrals/{referral.uuid}/decide/",
        {"outcome": Outcome.CMR_17_2, "reasons": "My careful reasons.", "seen": "recommended"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else acted on this referral" in body
    assert "Its status is now: withdrawn" in body
    assert "My careful reasons." in body
    assert not Decision.objects.exists()


def test_bad_decision_input_says_what_is_wrong_and_keeps_the_rest(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    sbni_chair = sign_in(Client(), personas.sbni_chair)
    route = "1"
    response = sbni_chair.post(
        f"/referrals/{referral.uuid}/decide/",
        {
            "outcome": Outcome.CMR_17_2,
            "learning_route": route,
            "reasons": "x" * 5001,
            "seen": "recommended",
        },
    )
    body = response.content.decode()
    assert "Choose another learning route only when a CMR is not required" in body
    assert "Your reasons must be 5000 characters or fewer" in body
    assert "x" * 5001 in body  # nothing cut
    assert not Decision.objects.exists()


def test_a_recommendation_with_gaps_keeps_what_was_entered(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    flow.everyone_present(item.meeting, personas)
    chair = sign_in(Client(), personas.cmr_panel_chair)
    response = chair.post(
        f"/referrals/meetings/{item.meeting.uuid}/agenda/{item.uuid}/recommend/",
        {"outcome": Outcome.NOT_REQUIRED, "dissent": "Kept dissent (fictional)."},
    )
    body = response.content.decode()
    assert "Enter the rationale" in body
    assert "Kept dissent (fictional)." in body
    assert not Recommendation.objects.exists()


def test_the_amendment_page_records_a_reason_and_the_letter_shows_it(
    personas: Personas,
) -> None:
    decision = flow.decided(personas)
    url = f"/referrals/{decision.referral.uuid}/decision/amend/"
    sbni_chair = sign_in(Client(), personas.sbni_chair)
    assert f'name="seen" value="{decision.uuid}"' in page(sbni_chair, url)
    response = sbni_chair.post(
        url,
        {
            "outcome": Outcome.CMR_17_3,
            "departure_reason": flow.DEPARTURE,
            "reasons": "Fictional: outstanding learning.",
            "amendment_reason": "Wrong route recorded (fictional).",
            "seen": str(decision.uuid),
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Reason for the amendment: <span" in body
    assert "Wrong route recorded (fictional)." in body
    assert "required under regulation 17(3)" in body


def test_the_panel_answers_with_documents(
    personas: Personas, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    referral = flow.sent(personas)
    asked = services.request_information(
        referral,
        question="Send the strategy meeting minutes.",
        due_date=TODAY + datetime.timedelta(days=14),
        by=personas.sbni_officer,
    )
    url = f"/referrals/{referral.uuid}/questions/{asked.uuid}/answer/"
    panel = sign_in(Client(), personas.belfast_member)
    assert 'enctype="multipart/form-data"' in page(panel, url)
    refused = panel.post(
        url,
        {
            "answer": "Minutes attached (fictional).",
            "documents": [
                files.upload("minutes.pdf", files.PDF),
                files.upload("x.html", files.HTML),
            ],
        },
    )
    body = refused.content.decode()
    assert "x.html:" in body
    assert "Minutes attached (fictional)." in body
    assert not ReferralDocument.objects.exists()
    response = panel.post(
        url,
        {
            "answer": "Minutes attached (fictional).",
            "documents": [
                files.upload("minutes.pdf", files.PDF),
                files.upload("plan.png", files.PNG),
            ],
        },
    )
    assert response.status_code == 302
    sent_with = ReferralDocument.objects.filter(information_request=asked)
    assert sorted(each.document.original_name for each in sent_with) == ["minutes.pdf", "plan.png"]
    overview = page(sign_in(Client(), personas.sbni_officer), f"/referrals/{referral.uuid}/")
    assert "minutes.pdf" in overview
    assert "plan.png" in overview


@pytest.mark.parametrize("name", ["documents", "answer"])
def test_upload_pages_send_files(personas: Personas, name: str) -> None:
    """A form with a file field posts multipart data, or the browser sends no file at all."""
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    panel = sign_in(Client(), personas.belfast_member)
    if name == "documents":
        assert 'enctype="multipart/form-data"' in page(panel, f"/referrals/{draft.uuid}/documents/")
    else:
        assert 'enctype="multipart/form-data"' not in page(
            panel, f"/referrals/{draft.uuid}/withdraw/"
        )
