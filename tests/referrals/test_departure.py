"""Departing from the regulation 17 indicator: the CMR Panel's recommendation and the SBNI
Chair's decision say so plainly, need a reason then (and only then), and the reason is on the
record, in the audit trail and in the decision letter, on the web and in the PDF."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from cmr_portal.kernel.audit.models import AuditEvent
from referrals import consideration
from referrals.consideration import DecisionValues
from referrals.models import Decision, Outcome, Recommendation, Referral, Regulation17
from referrals.workflow import ReferralError
from reviews import services as reviews
from tests.conftest import Personas, sign_in
from tests.referrals import flow

ROUTE_2, ROUTE_3 = Referral.Indicator.ROUTE_2, Referral.Indicator.ROUTE_3
NOT_MET, INCOMPLETE = Referral.Indicator.NOT_MET, Referral.Indicator.INCOMPLETE


@pytest.mark.parametrize(
    ("indicator", "outcome", "departs"),
    [
        (ROUTE_2, Outcome.CMR_17_2, False),
        (ROUTE_2, Outcome.NOT_REQUIRED, True),
        (ROUTE_2, Outcome.CMR_17_3, True),
        (ROUTE_3, Outcome.CMR_17_3, False),
        (ROUTE_3, Outcome.NOT_REQUIRED, True),
        (NOT_MET, Outcome.NOT_REQUIRED, False),
        (NOT_MET, Outcome.CMR_17_2, True),
        (NOT_MET, Outcome.CMR_17_3, True),
        (INCOMPLETE, Outcome.NOT_REQUIRED, False),
        (INCOMPLETE, Outcome.CMR_17_2, False),
        (ROUTE_2, Outcome.MORE_INFORMATION, False),
        (NOT_MET, Outcome.MORE_INFORMATION, False),
    ],
)
def test_which_outcomes_depart_from_which_indicator(
    indicator: str, outcome: str, departs: bool
) -> None:
    departure = Regulation17(indicator, "").departure(outcome)
    assert (departure is not None) is departs
    if departure:
        assert departure.startswith("The panel's answers meet")
        assert str(Outcome(outcome).label) in departure


def decide_url(referral: Referral) -> str:
    return f"/referrals/{referral.uuid}/decide/"


def test_no_cmr_against_route_17_2_asks_why_and_the_letter_gives_it(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    chair = sign_in(Client(), personas.sbni_chair)
    form = chair.get(decide_url(referral)).content.decode()
    assert "The panel's answers, as the portal assesses them: meets route 17(2)" in form
    typed = {
        "outcome": Outcome.NOT_REQUIRED,
        "reasons": "Fictional reasons kept.",
        "seen": "recommended",
    }
    refused = chair.post(decide_url(referral), typed).content.decode()
    assert "The panel&#x27;s answers meet route 17(2) of regulation 17" in refused
    assert "Enter the reason for departing from the indicator" in refused
    assert "Fictional reasons kept." in refused
    assert not Decision.objects.exists()

    reason = "Fictional: the harm was accidental, as the inquest found."
    response = chair.post(decide_url(referral), typed | {"departure_reason": reason})
    assert response.status_code == 302
    assert Decision.objects.get().departure_reason == reason
    event = AuditEvent.objects.get(action="referral.decided")
    assert event.changes["departure_reason"] == reason
    assert event.changes["indicator"] == ROUTE_2

    panel = sign_in(Client(), personas.belfast_member)
    letter = panel.get(f"/referrals/{referral.uuid}/decision/").content.decode()
    assert "Departure from the regulation 17 indicator" in letter
    assert reason in letter
    pdf = panel.get(f"/referrals/{referral.uuid}/export/decision-letter.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Departure from the regulation 17 indicator" in text
    assert "the inquest found" in re.sub(r"\s+", " ", text)


def test_a_decision_that_follows_the_indicator_needs_no_reason_and_refuses_one(
    personas: Personas,
) -> None:
    referral = flow.recommended(personas).item.referral
    chair = sign_in(Client(), personas.sbni_chair)
    typed = {"outcome": Outcome.CMR_17_2, "reasons": "Fictional reasons.", "seen": "recommended"}
    refused = chair.post(decide_url(referral), typed | {"departure_reason": "Fictional."})
    assert "there is no departure to explain" in refused.content.decode()
    assert not Decision.objects.exists()
    assert chair.post(decide_url(referral), typed).status_code == 302
    letter = chair.get(f"/referrals/{referral.uuid}/decision/").content.decode()
    assert "Departure from the regulation 17 indicator" not in letter


def test_the_recommendation_asks_why_it_departs(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    flow.everyone_present(item.meeting, personas)
    url = f"/referrals/meetings/{item.meeting.uuid}/agenda/{item.uuid}/recommend/"
    chair = sign_in(Client(), personas.cmr_panel_chair)
    values = flow.recommendation_values(
        Outcome.NOT_REQUIRED, learning_route="", departure_reason=""
    )
    refused = chair.post(url, values | {"seen": "under_consideration"}).content.decode()
    assert "but the outcome chosen is “CMR not required”" in refused
    assert not Recommendation.objects.exists()
    reason = "Fictional: a single-agency review will give the learning sooner."
    posted = values | {"seen": "under_consideration", "departure_reason": reason}
    assert chair.post(url, posted).status_code == 302
    assert Recommendation.objects.get().departure_reason == reason
    sbni_chair = sign_in(Client(), personas.sbni_chair)
    assert reason in sbni_chair.get(decide_url(item.referral)).content.decode()


def test_the_services_refuse_a_departure_without_a_reason(personas: Personas) -> None:
    item = flow.on_agenda(personas)
    flow.everyone_present(item.meeting, personas)
    with pytest.raises(ReferralError, match="departing from the indicator"):
        consideration.recommend(
            item,
            flow.recommendation_values(Outcome.NOT_REQUIRED, departure_reason=""),
            by=personas.cmr_panel_chair,
        )
    referral = flow.recommended(personas).item.referral
    with pytest.raises(ReferralError, match="departing from the indicator"):
        reviews.decide(
            referral, DecisionValues(Outcome.CMR_17_3, "Fictional."), by=personas.sbni_chair
        )
    assert not Decision.objects.exists()


def test_an_amendment_that_departs_needs_the_reason_too(personas: Personas) -> None:
    decision = flow.decided(personas)
    url = f"/referrals/{decision.referral.uuid}/decision/amend/"
    chair = sign_in(Client(), personas.sbni_chair)
    typed = {
        "outcome": Outcome.NOT_REQUIRED,
        "reasons": "Fictional reasons.",
        "amendment_reason": "Fictional: new facts.",
        "seen": str(decision.uuid),
    }
    assert "Enter the reason for departing" in chair.post(url, typed).content.decode()
    assert Decision.objects.count() == 1
    response = chair.post(url, typed | {"departure_reason": "Fictional: no harm after all."})
    assert response.status_code == 302
    assert Decision.objects.get(is_current=True).departure_reason == "Fictional: no harm after all."
