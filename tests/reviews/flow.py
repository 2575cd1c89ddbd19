"""A review taken along its path through the real services, for tests (all fictional)."""

import datetime

from django.utils import timezone

from panels.models import Agency
from reviews import drafting, family, services
from reviews.models import (
    PUBLICATION_CHECKS,
    FamilyContact,
    FamilyMember,
    FindingSection,
    Review,
    ReviewMember,
)
from tests.conftest import Personas
from tests.referrals import flow as referral_flow

TODAY = timezone.localdate()
# Every check of the pre-publication checklist, confirmed.
EVERY_CHECK = [key for key, _ in PUBLICATION_CHECKS]


def opened(people: Personas) -> Review:
    return Review.objects.get(decision=referral_flow.decided(people))


def with_team(people: Personas) -> Review:
    review = opened(people)
    services.appoint(review, people.lead_reviewer, ReviewMember.Role.LEAD, by=people.sbni_officer)
    services.appoint(review, people.reviewer, ReviewMember.Role.REVIEWER, by=people.sbni_officer)
    return review


def terms_values(agreed: bool = True) -> dict[str, object]:
    return {
        "period_from": TODAY - datetime.timedelta(days=700),
        "period_to": TODAY - datetime.timedelta(days=20),
        "lines_of_enquiry": "Fictional: how did agencies share what they knew?",
        "purposes": ["facts", "learning"],
        "agencies": [Agency.objects.get(short_name="PSNI")],
        "agreed_on": TODAY if agreed else None,
    }


def drafted(people: Personas) -> Review:
    """A review ready to submit: terms agreed, every section drafted, one recommendation."""
    review = with_team(people)
    services.save_terms(review, terms_values(), by=people.lead_reviewer)
    for section in review.sections.all():
        drafting.save_section(
            section,
            text=f"Fictional findings on {section.key}.",
            base_version=section.version,
            by=people.reviewer,
        )
    recommendation = services.add_recommendation(
        review,
        text="Fictional: share referrals within a day.",
        findings=FindingSection.objects.filter(review=review, key="changes"),
        by=people.lead_reviewer,
    )
    services.add_action(
        recommendation,
        {
            "agency": Agency.objects.get(short_name="PSNI"),
            "owner": "Head of public protection (fictional)",
            "description": "Fictional: a daily referral check.",
            "due_date": TODAY + datetime.timedelta(days=90),
            "measure": "Fictional: every referral shared within one day.",
        },
        by=people.lead_reviewer,
    )
    return review


def approved(people: Personas) -> Review:
    return approve(drafted(people), people)


def approve(review: Review, people: Personas, *, family_told: bool = True) -> Review:
    """A drafted review submitted and approved by both chairs: in follow-up. Unless
    ``family_told`` is false, the mother, taking part, has been told the date of publication,
    so that the publication version may be signed off."""
    services.take_step(review, "submit", by=people.lead_reviewer)
    services.take_step(review, "panel_approve", by=people.cmr_panel_chair)
    services.take_step(review, "chair_approve", by=people.sbni_chair)
    if family_told:
        tell_the_date_of_publication(review, people)
    review.refresh_from_db()
    return review


def family_member(
    review: Review,
    people: Personas,
    role: str = FamilyMember.Role.MOTHER,
    participation: str = FamilyMember.Participation.TAKING_PART,
    **values: object,
) -> FamilyMember:
    """A family member on the review's plan, added by the lead reviewer."""
    return family.add_family_member(
        review,
        {"role": role, "participation": participation, **values},
        by=people.lead_reviewer,
    )


def tell_the_date_of_publication(review: Review, people: Personas) -> FamilyContact:
    """The lead reviewer tells the mother, taking part, the date of publication."""
    return family.record_contact(
        review,
        {
            "date": TODAY,
            "by": people.lead_reviewer,
            "members": [family_member(review, people)],
            "method": FamilyContact.Method.PHONE,
            "purpose": FamilyContact.Purpose.PUBLICATION_DATE,
        },
        by=people.lead_reviewer,
    )
