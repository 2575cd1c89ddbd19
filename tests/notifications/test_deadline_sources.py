"""Every deadline of both apps reaches the sweep, owned by the right people, and stops when met."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmr_portal.kernel.notifications import reminders
from cmr_portal.kernel.working_days import add_working_days
from referrals import services as referral_services
from reviews import services as review_services
from reviews.models import Action, Review
from tests.conftest import Personas
from tests.referrals import flow as referral_flow
from tests.reviews import flow as review_flow


def due(horizon_days: int = 400) -> dict[str, reminders.Deadline]:
    """Every open deadline due within the days given, by the start of its key."""
    horizon = add_working_days(datetime.date.today(), horizon_days)
    return {
        deadline.key.split(":")[0]: deadline
        for source in reminders.SOURCES.values()
        for deadline in source(horizon)
    }


def test_the_referrals_deadlines(personas: Personas) -> None:
    referral = referral_flow.sent(personas)
    found = due()
    assert found["referrals.acknowledge"].reference == referral.reference
    assert personas.sbni_officer.pk in found["referrals.acknowledge"].owners
    assert personas.cmr_panel_chair.pk in found["referrals.acknowledge"].escalate_to
    referral_services.acknowledge_referral(referral, by=personas.sbni_officer)
    assert "referrals.acknowledge" not in due()
    assert "referrals.cmr_panel" in due()
    asked = referral_services.request_information(
        referral,
        question="Fictional?",
        due_date=datetime.date.today() + datetime.timedelta(days=7),
        by=personas.sbni_officer,
    )
    answer = due()["referrals.answer"]
    assert set(answer.owners) == {personas.belfast_member.pk, personas.belfast_chair.pk}
    assert answer.escalate_to == (personas.belfast_chair.pk,)
    referral_services.answer_information_request(asked, answer="A.", by=personas.belfast_chair)
    assert "referrals.answer" not in due()
    recommended = referral_flow.recommended(personas).item.referral
    chair = due()["referrals.chair_decision"]
    assert chair.reference == recommended.reference
    assert chair.owners == (personas.sbni_chair.pk,)


def test_the_reviews_deadlines(personas: Personas) -> None:
    review = review_flow.with_team(personas)
    found = due(200)
    assert found["reviews.terms_of_reference"].owners == (personas.lead_reviewer.pk,)
    # One step of the review's own timescale at a time: the draft report once the terms are agreed.
    assert "reviews.draft_report" not in found
    review_services.save_terms(review, review_flow.terms_values(), by=personas.lead_reviewer)
    assert "reviews.terms_of_reference" not in due(200)
    assert due(200)["reviews.draft_report"].owners == (personas.lead_reviewer.pk,)
    report = review_services.request_agency_report(
        review,
        agency=personas.agency_contact.agency,  # type: ignore[arg-type]
        contact=personas.agency_contact,
        asked="Fictional",
        due_date=datetime.date.today() + datetime.timedelta(days=3),
        by=personas.lead_reviewer,
    )
    assert due()["reviews.agency_report"].owners == (report.contact_id,)


def test_actions_are_reminded_during_follow_up_until_done(personas: Personas) -> None:
    review = review_flow.approved(personas)
    action = Action.objects.get(recommendation__review=review)
    found = due()["reviews.action"]
    assert set(found.owners) == {personas.agency_contact.pk, personas.lead_reviewer.pk}
    assert found.escalate_to == (personas.sbni_officer.pk,)
    assert found.reference == review.reference
    assert found.link == reverse("reviews:action", args=[review.uuid, action.uuid])
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.CLOSED)
    assert "reviews.action" not in due()  # only during follow-up
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.FOLLOW_UP)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.COMPLETED)
    assert "reviews.action" not in due()


def test_a_sweep_costs_the_same_queries_however_many_deadlines_are_open(
    personas: Personas,
) -> None:
    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            reminders.sweep()
        return len(queries)

    referral_flow.acknowledged(personas)  # due in 30 working days: open, not due
    reminders.sweep()
    few = counted()
    for _ in range(6):
        referral_flow.acknowledged(personas)
    assert counted() == few
    assert few <= 20


def test_no_reminders_for_a_withdrawn_referral_or_to_people_who_left(personas: Personas) -> None:
    referral = referral_flow.acknowledged(personas)
    referral_services.request_information(
        referral,
        question="Fictional?",
        due_date=datetime.date.today() + datetime.timedelta(days=7),
        by=personas.sbni_officer,
    )
    type(personas.belfast_chair).objects.filter(pk=personas.belfast_chair.pk).update(
        is_active=False
    )
    answer = due()["referrals.answer"]
    assert personas.belfast_chair.pk not in (*answer.owners, *answer.escalate_to)
    referral_services.withdraw_referral(referral, reason="Fictional", by=personas.belfast_member)
    assert "referrals.answer" not in due()
