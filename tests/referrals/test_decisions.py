"""The CMR Panel's recommendation and the SBNI Chair's decision: final once recorded, amended
only with a reason, and a review opened when a CMR is required (one open review per referral)."""

import re
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from referrals import consideration
from referrals.models import Decision, LearningRoute, Outcome, Referral
from referrals.workflow import ReferralError
from reviews import services as reviews
from reviews.models import Review
from tests.conftest import Personas, at_once, sign_in
from tests.referrals import flow


def test_cmr_required_opens_one_review_and_tells_the_panel(personas: Personas) -> None:
    decision = flow.decided(personas, Outcome.CMR_17_2)
    referral = Referral.objects.get(pk=decision.referral_id)
    assert referral.status == Referral.Status.DECIDED
    assert referral.current_decision == decision
    review = Review.objects.get(referral=referral)
    assert (review.reference, review.route, review.status) == (
        f"CMR-{referral.reference}",
        "17(2)",
        "open",
    )
    assert decision.recommendation is not None
    told = Notification.objects.filter(message__contains="has decided on referral")
    assert {personas.belfast_member, personas.belfast_chair, personas.sbni_officer} == {
        notice.recipient for notice in told
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.recommended", "referral.decided", "review.opened"} <= actions


def test_cmr_not_required_keeps_the_learning_route_and_opens_no_review(
    personas: Personas,
) -> None:
    referral = flow.recommended(personas, Outcome.NOT_REQUIRED).item.referral
    route = LearningRoute.objects.get(name="Learning event")
    decision = reviews.decide(
        referral,
        flow.decision_values(Outcome.NOT_REQUIRED, "Fictional: learning is enough.", route),
        by=personas.sbni_chair,
    )
    assert decision.learning_route == route
    assert not Review.objects.exists()


def test_more_information_sends_the_referral_back_without_a_current_decision(
    personas: Personas,
) -> None:
    referral = flow.recommended(personas).item.referral
    decision = reviews.decide(
        referral,
        flow.decision_values(Outcome.MORE_INFORMATION, "Fictional: the police report is needed."),
        by=personas.sbni_chair,
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.UNDER_CONSIDERATION
    assert not decision.is_current
    assert referral.current_decision is None
    assert Notification.objects.filter(
        recipient=personas.sbni_officer, message__contains="needs more information"
    ).exists()
    assert not Review.objects.exists()


def test_only_the_sbni_chair_decides_and_only_once(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    for someone in (personas.sbni_officer, personas.cmr_panel_chair, personas.belfast_chair):
        with pytest.raises(ReferralError, match="Only the SBNI Chair"):
            reviews.decide(referral, flow.decision_values(Outcome.CMR_17_3, "R"), by=someone)
    reviews.decide(referral, flow.decision_values(Outcome.CMR_17_3, "R"), by=personas.sbni_chair)
    with pytest.raises(ReferralError, match="Its status is: decided"):
        reviews.decide(
            referral, flow.decision_values(Outcome.CMR_17_3, "R"), by=personas.sbni_chair
        )
    assert Decision.objects.count() == 1
    assert Review.objects.get().route == "17(3)"


def test_an_amendment_keeps_the_original_and_needs_a_reason(personas: Personas) -> None:
    first = flow.decided(personas, Outcome.CMR_17_2)
    referral = first.referral
    with pytest.raises(ReferralError, match="reason for the amendment"):
        reviews.amend(
            referral,
            flow.decision_values(Outcome.CMR_17_3, "R"),
            reason="  ",
            by=personas.sbni_chair,
        )
    with pytest.raises(ReferralError, match="amended while you had this page open"):
        reviews.amend(
            referral,
            flow.decision_values(Outcome.CMR_17_3, "R"),
            reason="Fictional",
            seen="00000000-0000-0000-0000-000000000000",
            by=personas.sbni_chair,
        )
    amended = reviews.amend(
        referral,
        flow.decision_values(Outcome.CMR_17_3, "Fictional: outstanding positive learning."),
        reason="The route was recorded wrongly.",
        seen=str(first.uuid),
        by=personas.sbni_chair,
    )
    first.refresh_from_db()
    assert not first.is_current
    assert amended.amends == first
    assert referral.current_decision == amended
    review = Review.objects.get()
    assert (review.route, review.decision) == ("17(3)", amended)
    event = AuditEvent.objects.get(action="referral.decision_amended")
    assert event.changes["outcome"] == [Outcome.CMR_17_2, Outcome.CMR_17_3]
    assert event.changes["reason"] == "The route was recorded wrongly."


def test_amending_to_no_cmr_closes_the_review_and_back_opens_a_new_one(
    personas: Personas,
) -> None:
    referral = flow.decided(personas, Outcome.CMR_17_2).referral
    reviews.amend(
        referral,
        flow.decision_values(Outcome.NOT_REQUIRED, "Fictional"),
        reason="Fictional correction",
        by=personas.sbni_chair,
    )
    closed = Review.objects.get()
    assert closed.status == "closed"
    assert closed.closure_reason == "The decision was amended: Fictional correction"
    reviews.amend(
        referral,
        flow.decision_values(Outcome.CMR_17_2, "Fictional"),
        reason="Fictional second thoughts",
        by=personas.sbni_chair,
    )
    reopened = Review.objects.get(status="open")
    assert reopened.reference == f"CMR-{referral.reference}-2"
    assert Decision.objects.filter(referral=referral).count() == 3
    assert Decision.objects.filter(referral=referral, is_current=True).count() == 1


def test_the_database_allows_one_current_decision_and_one_open_review(
    personas: Personas,
) -> None:
    decision = flow.decided(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            referral=decision.referral,
            outcome=Outcome.NOT_REQUIRED,
            reasons="Fictional",
            decided_by=personas.sbni_chair,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            reference="CMR-SECOND",
            referral=decision.referral,
            decision=decision,
            route="17(2)",
            opened_by=personas.sbni_chair,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            referral=decision.referral,
            outcome=Outcome.MORE_INFORMATION,
            reasons="Fictional",
            decided_by=personas.sbni_chair,
            is_current=True,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviews_opened_at_once_for_one_referral_give_one(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    decision = consideration.record_decision(
        referral, flow.decision_values(Outcome.CMR_17_2, "Fictional"), by=personas.sbni_chair
    )

    def open_one() -> Review:
        return reviews.open_review(decision, by=personas.sbni_chair)

    outcomes = at_once(open_one, open_one)
    opened = [outcome for outcome in outcomes if isinstance(outcome, Review)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ReferralError)]
    assert (len(opened), len(refused)) == (1, 1), outcomes
    assert "already open" in str(refused[0])
    assert Review.objects.filter(referral=referral, status="open").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_chairs_deciding_at_once_record_one_decision(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral

    def deciding(outcome: str) -> Callable[[], Decision]:
        return lambda: reviews.decide(
            referral, flow.decision_values(outcome, "Fictional"), by=personas.sbni_chair
        )

    outcomes = at_once(deciding(Outcome.CMR_17_2), deciding(Outcome.NOT_REQUIRED))
    refused = [outcome for outcome in outcomes if isinstance(outcome, ReferralError)]
    assert len(refused) == 1, outcomes
    assert sum(isinstance(outcome, Decision) for outcome in outcomes) == 1
    assert Decision.objects.filter(referral=referral).count() == 1
    decided = Decision.objects.get(referral=referral)
    assert Review.objects.filter(referral=referral).count() == (1 if decided.requires_cmr else 0)


def test_an_amendment_keeps_a_retired_learning_route_on_offer(personas: Personas) -> None:
    referral = flow.recommended(personas).item.referral
    route = LearningRoute.objects.get(name="Thematic review")
    reviews.decide(
        referral,
        flow.decision_values(Outcome.NOT_REQUIRED, "Fictional.", route),
        by=personas.sbni_chair,
    )
    LearningRoute.objects.filter(pk=route.pk).update(active=False)
    body = (
        sign_in(Client(), personas.sbni_chair)
        .get(f"/referrals/{referral.uuid}/decision/amend/")
        .content.decode()
    )
    assert re.search(rf'<option value="{route.pk}"\s+selected>Thematic review</option>', body)
    assert not re.search(r"\smaxlength=", body)  # the browser never cuts the text short
