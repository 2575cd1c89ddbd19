"""The review team reads the referral the review is about, on a page of the review: the panel's
answers and the SBNI Chair's decision, without the CMR Panel's deliberations, and audited. The
referral itself stays closed to them (404), so the review no longer links there."""

from django.test import Client

from cmr_portal.kernel.audit.models import AuditEvent
from referrals.models import Recommendation
from tests.conftest import Personas, sign_in
from tests.reviews import flow


def test_the_team_reads_the_referral_on_the_review_without_the_deliberations(
    personas: Personas,
) -> None:
    review = flow.with_team(personas)
    referral = review.referral
    recommendation = Recommendation.objects.get(item__referral=referral)
    reviewer = sign_in(Client(), personas.reviewer)
    workspace = reviewer.get(f"/reviews/{review.uuid}/").text
    assert f'href="/reviews/{review.uuid}/referral/"' in workspace
    assert f'href="/referrals/{referral.uuid}/"' not in workspace
    assert reviewer.get(f"/referrals/{referral.uuid}/").status_code == 404

    response = reviewer.get(f"/reviews/{review.uuid}/referral/")
    assert response.status_code == 200
    page = response.text
    assert f"Referral {referral.reference}" in page
    assert referral.panel.name in page
    assert "Fictional reasons." in page  # the SBNI Chair's decision
    assert referral.notifier_name
    assert referral.notifier_name in page  # the panel's answers
    assert recommendation.rationale not in page  # the CMR Panel's deliberations
    assert "Meeting on" not in page
    assert "Open the referral" not in page
    assert AuditEvent.objects.filter(
        action="referral.viewed",
        actor=personas.reviewer,
        target_id=str(referral.pk),
        summary=f"Viewed referral {referral.reference} from review {review.reference}",
    ).exists()


def test_sbni_staff_are_offered_the_whole_referral_from_there(personas: Personas) -> None:
    review = flow.with_team(personas)
    page = sign_in(Client(), personas.sbni_officer).get(f"/reviews/{review.uuid}/referral/").text
    assert f'href="/referrals/{review.referral.uuid}/"' in page


def test_people_outside_the_review_get_404(personas: Personas) -> None:
    review = flow.with_team(personas)
    for persona in (personas.belfast_member, personas.western_member, personas.agency_contact):
        response = sign_in(Client(), persona).get(f"/reviews/{review.uuid}/referral/")
        assert response.status_code == 404
