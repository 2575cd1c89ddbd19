"""Referrals: references without races, who sees what, draft saving, dates, submission, withdrawal.

The browser pages come with the rest of the referrals issue; these test the services they call.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from panels.models import Agency, Panel, User
from referrals import services
from referrals.models import AgencyInvolvement, Referral, Sibling
from referrals.workflow import ReferralError
from tests.conftest import Personas, at_once

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def complete_answers() -> dict[str, Any]:
    """Every answer a referral needs before it is sent. The child is fictional."""
    return {
        "child_initials": "AB",
        "child_date_of_birth": TODAY - 800 * DAY,
        "child_gender": "female",
        "event_type": "significant_harm",
        "event_date": TODAY - 20 * DAY,
        "agency_aware_date": TODAY - 19 * DAY,
        "event_place": "Family home (fictional)",
        "event_summary": "A fictional summary of what happened, for tests only.",
        "child_on_register": "no",
        "child_looked_after": "no",
        "reg17_harm": "yes",
        "reg17_abuse": "yes",
        "reg17_register": "no",
        "reg17_looked_after": "no",
        "reg17_concerns": "yes",
        "reg17_learning": "no",
        "notifier_name": "Notifying Officer (fictional)",
        "notifier_role": "Panel member",
        "notifier_email": "notifier@test.example.org",
    }


def ready_to_send(referral: Referral, by: User) -> None:
    """Answer everything and add an agency: all a referral needs before it is sent."""
    services.update_referral(referral, complete_answers(), by=by)
    services.add_part(
        referral,
        AgencyInvolvement,
        {"agency": Agency.objects.get(short_name="PSNI"), "nature": "Fictional involvement"},
        by=by,
    )


@pytest.fixture
def draft(personas: Personas) -> Referral:
    return services.create_referral(personas.belfast, by=personas.belfast_member)


def test_references_count_up_per_panel_and_year(personas: Personas) -> None:
    year = TODAY.year
    first = services.create_referral(personas.belfast, by=personas.belfast_member)
    second = services.create_referral(personas.belfast, by=personas.belfast_chair)
    western = services.create_referral(personas.western, by=personas.western_member)
    assert first.reference == f"BEL-{year}-0001"
    assert second.reference == f"BEL-{year}-0002"
    assert western.reference == f"WST-{year}-0001"
    assert services.allocate_reference(personas.belfast, year + 1) == f"BEL-{year + 1}-0001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_allocations_get_distinct_numbers() -> None:
    panel = Panel.objects.get(code="NOR")

    def allocate() -> list[str]:
        return [services.allocate_reference(panel, 2031) for _ in range(5)]

    outcomes = at_once(*[allocate] * 8)
    results = [reference for outcome in outcomes for reference in outcome]  # type: ignore[attr-defined]
    assert sorted(results) == [f"NOR-2031-{n:04d}" for n in range(1, 41)]


def test_only_a_member_of_the_panel_may_start_a_referral(personas: Personas) -> None:
    for outsider in (personas.western_member, personas.sbni_officer, personas.reviewer):
        with pytest.raises(ReferralError):
            services.create_referral(personas.belfast, by=outsider)
    assert not Referral.objects.exists()


def test_drafts_are_seen_by_their_panel_only(personas: Personas, draft: Referral) -> None:
    assert list(Referral.objects.visible_to(personas.belfast_member)) == [draft]
    assert list(Referral.objects.visible_to(personas.belfast_chair)) == [draft]
    for persona in ("western_member", "sbni_officer", "sbni_chair", "reviewer", "admin"):
        assert not Referral.objects.visible_to(getattr(personas, persona)).exists(), persona


def test_sbni_staff_see_every_submitted_referral(personas: Personas, draft: Referral) -> None:
    ready_to_send(draft, personas.belfast_member)
    services.submit_referral(draft, by=personas.belfast_member)
    for persona in ("sbni_officer", "cmr_panel_chair", "sbni_chair", "belfast_member"):
        assert list(Referral.objects.visible_to(getattr(personas, persona))) == [draft]
    for persona in ("western_member", "reviewer", "agency_contact", "admin"):
        assert not Referral.objects.visible_to(getattr(personas, persona)).exists(), persona


def test_a_draft_saves_incomplete_answers_and_records_each_change(
    personas: Personas, draft: Referral
) -> None:
    services.update_referral(draft, {"child_initials": "AB"}, by=personas.belfast_member)
    services.update_referral(
        draft,
        {"child_initials": "AC", "event_date": TODAY - 3 * DAY},
        by=personas.belfast_member,
    )
    draft.refresh_from_db()
    assert draft.child_initials == "AC"
    events = AuditEvent.objects.filter(action="referral.updated").order_by("id")
    assert [event.changes for event in events] == [
        {"child_initials": ["", "AB"]},
        {"child_initials": ["AB", "AC"], "event_date": [None, (TODAY - 3 * DAY).isoformat()]},
    ]


def test_saving_nothing_new_records_nothing(personas: Personas, draft: Referral) -> None:
    services.update_referral(draft, {"child_initials": ""}, by=personas.belfast_member)
    assert not AuditEvent.objects.filter(action="referral.updated").exists()


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"event_date": TODAY + DAY}, "event_date", "must be today or in the past"),
        ({"child_date_of_birth": TODAY + DAY}, "child_date_of_birth", "today or in the past"),
        (
            {"child_date_of_birth": TODAY - 5 * DAY, "event_date": TODAY - 6 * DAY},
            "event_date",
            "on or after the child's birth",
        ),
        (
            {"event_date": TODAY - 5 * DAY, "agency_aware_date": TODAY - 6 * DAY},
            "agency_aware_date",
            "on or after the date of the event",
        ),
    ],
)
def test_dates_that_cannot_be_true_are_refused_and_nothing_is_saved(
    personas: Personas, draft: Referral, answers: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.update_referral(draft, answers, by=personas.belfast_member)
    assert message in refused.value.problems[field]
    draft.refresh_from_db()
    assert all(getattr(draft, name) is None for name in answers)


def test_dates_on_the_edges_are_accepted(personas: Personas, draft: Referral) -> None:
    same_day = {"child_date_of_birth": TODAY, "event_date": TODAY, "agency_aware_date": TODAY}
    services.update_referral(draft, same_day, by=personas.belfast_member)
    draft.refresh_from_db()
    assert draft.agency_aware_date == TODAY


def test_submission_lists_everything_missing(personas: Personas, draft: Referral) -> None:
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.submit_referral(draft, by=personas.belfast_member)
    problems = refused.value.problems
    assert problems["child_initials"] == "Enter the child's initials"
    assert problems["child_date_of_birth"] == "Enter the child's date of birth or estimated age"
    assert problems["reg17_concerns"] == "Answer regulation 17(2)(c)"
    assert problems["agencies"] == "Add at least one agency that was involved with the child"
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT


def test_an_estimated_age_will_do_instead_of_a_date_of_birth(
    personas: Personas, draft: Referral
) -> None:
    ready_to_send(draft, personas.belfast_member)
    answers = {"child_date_of_birth": None, "child_estimated_age": 2}
    services.update_referral(draft, answers, by=personas.belfast_member)
    assert services.submit_referral(draft, by=personas.belfast_member).status == "submitted"


def test_a_complete_referral_is_sent_once_and_then_cannot_change(
    personas: Personas, draft: Referral
) -> None:
    ready_to_send(draft, personas.belfast_member)
    sent = services.submit_referral(draft, by=personas.belfast_member)
    assert sent.status == Referral.Status.SUBMITTED
    assert sent.submitted_at is not None
    assert AuditEvent.objects.filter(action="referral.submitted", actor=personas.belfast_member)
    with pytest.raises(ReferralError, match="cannot send the referral now"):
        services.submit_referral(draft, by=personas.belfast_member)
    with pytest.raises(ReferralError, match="can no longer be changed"):
        services.update_referral(draft, {"child_initials": "ZZ"}, by=personas.belfast_member)


def test_withdrawal_needs_a_reason_and_comes_before_a_decision(
    personas: Personas, draft: Referral
) -> None:
    with pytest.raises(ReferralError, match="reason"):
        services.withdraw_referral(draft, reason="  ", by=personas.belfast_chair)
    withdrawn = services.withdraw_referral(
        draft, reason="Logged twice (fictional)", by=personas.belfast_chair
    )
    assert withdrawn.status == Referral.Status.WITHDRAWN
    assert withdrawn.withdrawal_reason == "Logged twice (fictional)"
    with pytest.raises(ReferralError, match="cannot withdraw the referral now"):
        services.withdraw_referral(draft, reason="Again", by=personas.belfast_chair)


def test_a_decided_referral_cannot_be_withdrawn(personas: Personas, draft: Referral) -> None:
    Referral.objects.filter(pk=draft.pk).update(status=Referral.Status.DECIDED)
    with pytest.raises(ReferralError, match="Its status is: decided"):
        services.withdraw_referral(draft, reason="Too late", by=personas.belfast_chair)


@pytest.mark.parametrize(
    ("answers", "indicator"),
    [
        ({}, Referral.Indicator.INCOMPLETE),
        ({"reg17_harm": "no"}, Referral.Indicator.NOT_MET),
        ({"reg17_harm": "not_known"}, Referral.Indicator.INCOMPLETE),
        ({"reg17_harm": "yes", "reg17_abuse": "yes", "reg17_concerns": "yes"}, "route_17_2"),
        ({"reg17_harm": "yes", "reg17_register": "yes", "reg17_concerns": "yes"}, "route_17_2"),
        ({"reg17_harm": "yes", "reg17_looked_after": "yes", "reg17_concerns": "yes"}, "route_17_2"),
        ({"reg17_harm": "yes", "reg17_abuse": "yes", "reg17_concerns": "no"}, "incomplete"),
        (
            {
                "reg17_harm": "yes",
                "reg17_abuse": "yes",
                "reg17_register": "no",
                "reg17_looked_after": "no",
                "reg17_concerns": "no",
                "reg17_learning": "no",
            },
            Referral.Indicator.NOT_MET,
        ),
        ({"reg17_harm": "yes", "reg17_learning": "yes"}, Referral.Indicator.ROUTE_3),
        (
            {
                "reg17_harm": "yes",
                "reg17_abuse": "no",
                "reg17_register": "no",
                "reg17_looked_after": "not_known",
                "reg17_concerns": "yes",
                "reg17_learning": "no",
            },
            Referral.Indicator.INCOMPLETE,
        ),
    ],
)
def test_the_regulation_17_indicator_explains_itself(
    answers: dict[str, str], indicator: str
) -> None:
    assessment = Referral(**answers).regulation_17
    assert assessment.indicator == indicator
    assert assessment.explanation
    assert assessment.label in {"Meets route 17(2)", "Meets route 17(3)", "Not met", "Incomplete"}


def test_siblings_and_agencies_are_added_and_removed_on_the_record(
    personas: Personas, draft: Referral
) -> None:
    sibling = services.add_part(draft, Sibling, {"initials": "CD"}, by=personas.belfast_member)
    involvement = services.add_part(
        draft,
        AgencyInvolvement,
        {"agency": Agency.objects.get(short_name="EA"), "nature": "School (fictional)"},
        by=personas.belfast_member,
    )
    services.remove_part(sibling, by=personas.belfast_member)
    services.remove_part(involvement, by=personas.belfast_member)
    assert not draft.siblings.exists()
    assert not draft.agencies.exists()
    actions = list(
        AuditEvent.objects.filter(target_id=str(draft.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "referral.sibling_added",
        "referral.agencyinvolvement_added",
        "referral.sibling_removed",
        "referral.agencyinvolvement_removed",
    ]


def test_siblings_cannot_be_added_once_sent(personas: Personas, draft: Referral) -> None:
    ready_to_send(draft, personas.belfast_member)
    services.submit_referral(draft, by=personas.belfast_member)
    with pytest.raises(ReferralError):
        services.add_part(draft, Sibling, {"initials": "EF"}, by=personas.belfast_member)


def test_a_draft_withdrawn_before_it_was_sent_never_reaches_the_sbni(
    personas: Personas, draft: Referral
) -> None:
    services.withdraw_referral(draft, reason="Started by mistake", by=personas.belfast_member)
    assert not Referral.objects.visible_to(personas.sbni_officer).exists()
    assert list(Referral.objects.visible_to(personas.belfast_member)) == [draft]
