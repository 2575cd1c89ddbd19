"""A referral taken along its path through the real services, for tests that need it at a step.

Every record is fictional.
"""

from typing import Any

from django.utils import timezone

from referrals import consideration, services
from referrals.consideration import DecisionValues
from referrals.models import (
    AgendaItem,
    Decision,
    LearningRoute,
    Meeting,
    Outcome,
    Recommendation,
    Referral,
    Regulation17,
)
from reviews import services as reviews
from tests.conftest import Personas
from tests.referrals.test_referral_services import ready_to_send

DEPARTURE = "Fictional: the reason for departing from the indicator."
"""The reason given wherever an outcome departs from the flow's answers, which meet 17(2)."""


def departure_reason(outcome: str) -> str:
    """``DEPARTURE`` where the outcome departs from route 17(2), else nothing."""
    departs = Regulation17(Referral.Indicator.ROUTE_2, "").departure(outcome)
    return DEPARTURE if departs else ""


def decision_values(
    outcome: str, reasons: str, route: LearningRoute | None = None
) -> DecisionValues:
    """A decision on a flow referral, with the reason for departing where it departs."""
    return DecisionValues(outcome, reasons, route, departure_reason(outcome))


def recommendation_values(outcome: str = Outcome.CMR_17_2, **values: Any) -> dict[str, Any]:
    return {
        "harm": "yes",
        "abuse": "yes",
        "register": "no",
        "looked_after": "no",
        "concerns": "yes",
        "learning": "no",
        "outcome": outcome,
        "learning_route": None,
        "rationale": "Fictional rationale: the agencies did not share what they knew.",
        "dissent": "",
        "departure_reason": departure_reason(outcome),
    } | values


def sent(people: Personas) -> Referral:
    referral = services.create_referral(people.belfast, by=people.belfast_member)
    ready_to_send(referral, people.belfast_member)
    return services.submit_referral(referral, by=people.belfast_member)


def acknowledged(people: Personas) -> Referral:
    return services.acknowledge_referral(sent(people), by=people.sbni_officer)


def meeting_today(people: Personas) -> Meeting:
    return consideration.schedule_meeting(
        date=timezone.localdate(), place="Room 1 (fictional)", by=people.sbni_officer
    )


def on_agenda(people: Personas, meeting: Meeting | None = None) -> AgendaItem:
    meeting = meeting or meeting_today(people)
    return consideration.add_to_agenda(meeting, acknowledged(people), by=people.sbni_officer)


def everyone_present(meeting: Meeting, people: Personas) -> None:
    consideration.record_attendance(
        meeting,
        dict.fromkeys(consideration.cmr_panel_members(), "present"),
        by=people.sbni_officer,
    )


def recommended(people: Personas, outcome: str = Outcome.CMR_17_2) -> Recommendation:
    item = on_agenda(people)
    everyone_present(item.meeting, people)
    return consideration.recommend(item, recommendation_values(outcome), by=people.cmr_panel_chair)


def decided(people: Personas, outcome: str = Outcome.CMR_17_2) -> Decision:
    referral = recommended(people).item.referral
    return reviews.decide(
        referral, decision_values(outcome, "Fictional reasons."), by=people.sbni_chair
    )
