"""The review's people and steps: the team and its permissions, agency reports, approval with
returns, follow-up of actions until verified, closure."""

import datetime

import pytest
from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from panels.models import Agency
from referrals.models import Outcome
from reviews import follow_up, services
from reviews.models import Action, AgencyReport, Review, ReviewMember, StageChange
from reviews.services import ReviewError
from tests import files
from tests.conftest import Personas, sign_in
from tests.referrals import flow as referral_flow
from tests.reviews import flow

TODAY = flow.TODAY


def test_reviewers_see_their_own_reviews_only(personas: Personas) -> None:
    review = flow.with_team(personas)
    other = flow.opened(personas)  # a second review, with no team
    reviewer = sign_in(Client(), personas.reviewer)
    listed = reviewer.get("/reviews/").content.decode()
    assert review.reference in listed
    assert other.reference not in listed
    assert reviewer.get(f"/reviews/{other.uuid}/").status_code == 404
    assert reviewer.get(f"/reviews/{other.uuid}/findings/").status_code == 404
    assert reviewer.get(f"/reviews/{review.uuid}/findings/").status_code == 200


def test_appointing_gives_permissions_on_that_review_and_removing_takes_them(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    assert personas.lead_reviewer.has_perm("reviews.lead_review", review)
    assert not personas.reviewer.has_perm("reviews.lead_review", review)
    with pytest.raises(ReviewError, match="Only an SBNI officer"):
        services.appoint(
            review, personas.western_member, ReviewMember.Role.REVIEWER, by=personas.sbni_chair
        )
    with pytest.raises(ReviewError, match="has a lead reviewer"):
        services.appoint(
            review, personas.western_member, ReviewMember.Role.LEAD, by=personas.sbni_officer
        )
    member = review.team.get(user=personas.reviewer)
    services.remove_member(member, by=personas.sbni_officer)
    fresh = type(personas.reviewer).objects.get(pk=personas.reviewer.pk)  # no permission cache
    assert not fresh.has_perm("reviews.see_review", review)
    assert Notification.objects.filter(
        recipient=personas.lead_reviewer, message__contains="You are on the team"
    ).exists()
    assert AuditEvent.objects.filter(action="review.member_removed").exists()


def test_the_agency_contact_sends_the_report_and_the_lead_accepts_it(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    psni = Agency.objects.get(short_name="PSNI")
    with pytest.raises(ReviewError, match="not a contact of"):
        services.request_agency_report(
            review,
            agency=Agency.objects.get(short_name="PBNI"),
            contact=personas.agency_contact,
            asked="Fictional",
            due_date=TODAY + datetime.timedelta(days=20),
            by=personas.lead_reviewer,
        )
    report = services.request_agency_report(
        review,
        agency=psni,
        contact=personas.agency_contact,
        asked="Your involvement from 2024 (fictional).",
        due_date=TODAY + datetime.timedelta(days=20),
        by=personas.lead_reviewer,
    )
    contact = sign_in(Client(), personas.agency_contact)
    assert review.reference in contact.get("/reviews/").content.decode()
    url = f"/reviews/{review.uuid}/agency-reports/{report.uuid}/"
    response = contact.post(url, {"report": files.upload("report.pdf", files.PDF)})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.RECEIVED
    assert contact.get(f"/reviews/{review.uuid}/").status_code == 404  # its request only
    with pytest.raises(ReviewError, match="lead reviewer"):
        services.accept_agency_report(report, by=personas.reviewer)
    services.accept_agency_report(report, by=personas.lead_reviewer)
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.ACCEPTED
    AgencyReport.objects.filter(pk=report.pk).update(
        status=AgencyReport.Status.REQUESTED, due_date=TODAY - datetime.timedelta(days=1)
    )
    report.refresh_from_db()
    assert report.is_overdue


def test_the_draft_report_goes_through_both_approvals_with_a_return(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    with pytest.raises(ReviewError, match="Agree the terms of reference"):
        services.take_step(review, "submit", by=personas.lead_reviewer)
    review = flow.drafted(personas)
    with pytest.raises(ReviewError, match="cannot submit"):
        services.take_step(review, "submit", by=personas.reviewer)
    services.take_step(review, "submit", by=personas.lead_reviewer)
    with pytest.raises(ReviewError, match="Say what needs to change"):
        services.take_step(review, "panel_return", by=personas.cmr_panel_chair)
    with pytest.raises(ReviewError, match="cannot approve"):
        services.take_step(review, "panel_approve", by=personas.sbni_chair)
    services.take_step(
        review, "panel_return", comments="Say more on typicality.", by=personas.cmr_panel_chair
    )
    review.refresh_from_db()
    assert review.stage == Review.Stage.DRAFTING
    services.take_step(review, "submit", by=personas.lead_reviewer)
    services.take_step(review, "panel_approve", by=personas.cmr_panel_chair)
    with pytest.raises(ReviewError, match="Someone else acted on this review"):
        services.take_step(
            review, "chair_approve", by=personas.sbni_chair, seen=Review.Stage.PANEL_SCRUTINY
        )
    services.take_step(review, "chair_approve", by=personas.sbni_chair)
    review.refresh_from_db()
    assert review.stage == Review.Stage.FOLLOW_UP
    stages = list(StageChange.objects.filter(review=review).values_list("to_stage", flat=True))
    assert stages == ["follow_up", "chair_approval", "panel_scrutiny", "drafting", "panel_scrutiny"]
    assert StageChange.objects.get(to_stage="drafting").comments == "Say more on typicality."


def test_actions_are_followed_up_verified_then_the_review_closes(
    personas: Personas,
) -> None:
    review = flow.approved(personas)
    action = Action.objects.get(recommendation__review=review)
    assert action.state() == ("Not started", "grey")
    assert action.state(today=action.due_date + datetime.timedelta(days=1)) == ("Overdue", "red")
    with pytest.raises(ReviewError, match="Verify every action"):
        services.take_step(review, "close", by=personas.sbni_officer)
    contact = sign_in(Client(), personas.agency_contact)
    url = f"/reviews/{review.uuid}/actions/{action.uuid}/"
    response = contact.post(
        url,
        {
            "status": "completed",
            "note": "Daily checks run since May (fictional).",
            "evidence": files.upload("audit.pdf", files.PDF),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED
    assert action.updates.get().evidence is not None
    with pytest.raises(ReviewError, match="Only an SBNI officer"):
        follow_up.verify_action(action, by=personas.lead_reviewer)
    follow_up.verify_action(action, by=personas.sbni_officer)
    services.take_step(review, "close", by=personas.sbni_officer)
    review.refresh_from_db()
    assert (review.stage, review.status) == (Review.Stage.CLOSED, Review.Status.CLOSED)
    assert review.closure_reason == "Every action has been verified."


STAGE_OF_STEP = {
    "submit": Review.Stage.DRAFTING,
    "panel_approve": Review.Stage.PANEL_SCRUTINY,
    "panel_return": Review.Stage.PANEL_SCRUTINY,
    "chair_approve": Review.Stage.CHAIR_APPROVAL,
    "chair_return": Review.Stage.CHAIR_APPROVAL,
    "close": Review.Stage.FOLLOW_UP,
}
WHO_TAKES = {
    "submit": "lead_reviewer",
    "panel_approve": "cmr_panel_chair",
    "panel_return": "cmr_panel_chair",
    "chair_approve": "sbni_chair",
    "chair_return": "sbni_chair",
    "close": "sbni_officer",
}
EVERYONE = [
    "belfast_chair",
    "sbni_officer",
    "cmr_panel_chair",
    "sbni_chair",
    "lead_reviewer",
    "reviewer",
    "agency_contact",
]


def ready_for(personas: Personas, step: str) -> Review:
    """A drafted review at the stage the step starts from, with every action verified."""
    review = flow.drafted(personas)
    Action.objects.filter(recommendation__review=review).update(status=Action.Status.VERIFIED)
    Review.objects.filter(pk=review.pk).update(stage=STAGE_OF_STEP[step])
    review.refresh_from_db()
    return review


def test_the_steps_are_all_covered() -> None:
    assert set(services.STEPS) == set(STAGE_OF_STEP) == set(WHO_TAKES)


@pytest.mark.parametrize("step", sorted(STAGE_OF_STEP))
@pytest.mark.parametrize("stage", Review.Stage.values)
def test_each_step_by_stage(personas: Personas, step: str, stage: str) -> None:
    review = ready_for(personas, step)
    Review.objects.filter(pk=review.pk).update(stage=stage)
    who = getattr(personas, WHO_TAKES[step])
    if stage == STAGE_OF_STEP[step]:
        change = services.take_step(review, step, comments="Fictional.", by=who)
        assert change.from_stage == stage
    else:
        with pytest.raises(ReviewError, match="You cannot"):
            services.take_step(review, step, comments="Fictional.", by=who)


@pytest.mark.parametrize("step", sorted(WHO_TAKES))
@pytest.mark.parametrize("persona", EVERYONE)
def test_each_step_by_role(personas: Personas, step: str, persona: str) -> None:
    review = ready_for(personas, step)
    if persona == WHO_TAKES[step]:
        services.take_step(review, step, comments="Fictional.", by=getattr(personas, persona))
    else:
        with pytest.raises(ReviewError, match="You cannot"):
            services.take_step(review, step, comments="Fictional.", by=getattr(personas, persona))


def test_amending_a_decision_to_no_cmr_ends_the_drafting(personas: Personas) -> None:
    review = flow.with_team(personas)
    services.amend(
        review.referral,
        referral_flow.decision_values(Outcome.NOT_REQUIRED, "Fictional."),
        reason="Fictional correction.",
        by=personas.sbni_chair,
    )
    review.refresh_from_db()
    assert (review.status, review.stage) == (Review.Status.CLOSED, Review.Stage.CLOSED)
    assert not services.can_draft(personas.lead_reviewer, review)
    with pytest.raises(ReviewError, match="only while it is being drafted"):
        services.save_terms(review, flow.terms_values(), by=personas.lead_reviewer)


def test_a_writer_whose_review_moved_on_keeps_the_text(personas: Personas) -> None:
    review = flow.drafted(personas)
    section = review.sections.get(key="typicality")
    services.take_step(review, "submit", by=personas.lead_reviewer)
    reviewer = sign_in(Client(), personas.reviewer)
    url = f"/reviews/{review.uuid}/findings/typicality/"
    response = reviewer.post(url, {"text": "Late words (fictional).", "base_version": 1})
    body = response.content.decode()
    assert "Your text was not saved" in body
    assert "Late words (fictional).</textarea>" in body
    autosaved = reviewer.post(f"{url}autosave/", {"text": "Late.", "base_version": 1})
    assert autosaved.content.decode().startswith("Not saved:")
    section.refresh_from_db()
    assert section.text == "Fictional findings on typicality."


def test_an_agency_sees_its_actions_only_once_the_report_is_approved(
    personas: Personas,
) -> None:
    review = flow.drafted(personas)
    action = Action.objects.get(recommendation__review=review)
    contact = sign_in(Client(), personas.agency_contact)
    url = f"/reviews/{review.uuid}/actions/{action.uuid}/"
    assert contact.get(url).status_code == 404
    assert "Actions for your agency" not in contact.get("/reviews/").content.decode()
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.FOLLOW_UP)
    assert contact.get(url).status_code == 200
    assert "Actions for your agency" in contact.get("/reviews/").content.decode()
