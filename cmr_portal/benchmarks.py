"""What the benchmarks share: fictional records, made inside a transaction they roll back."""

import uuid

from django.utils import timezone

from panels.models import Agency, Panel, User
from referrals.models import Decision, Outcome, Referral
from reviews.models import FindingSection, Review, ReviewMember, ReviewRecommendation


class Rollback(Exception):
    """Raised at the end of a benchmark to roll its data back."""


def fictional_review(stage: str = Review.Stage.FOLLOW_UP) -> ReviewRecommendation:
    """A fictional review with its lead and an agency contact, and one recommendation: what the
    benchmarks fill with data. Call it inside a transaction that is rolled back."""
    stamp = uuid.uuid4().hex[:8]
    panel = Panel.objects.get(code="BEL")
    agency = Agency.objects.get(short_name="PSNI")
    lead = User.objects.create(
        email=f"benchmark.lead.{stamp}@benchmark.invalid",
        full_name="Benchmark lead (fictional)",
    )
    User.objects.create(
        email=f"benchmark.agency.{stamp}@benchmark.invalid",
        full_name="Benchmark agency contact (fictional)",
        agency=agency,
    )
    referral = Referral.objects.create(
        panel=panel,
        reference=f"BENCH-{stamp}",
        status=Referral.Status.DECIDED,
        created_by=lead,
        submitted_at=timezone.now(),
    )
    decision = Decision.objects.create(
        referral=referral, outcome=Outcome.CMR_17_2, reasons="Fictional", decided_by=lead
    )
    review = Review.objects.create(
        reference=f"CMR-BENCH-{stamp}",
        referral=referral,
        decision=decision,
        route=Review.Route.ROUTE_17_2,
        stage=stage,
        opened_by=lead,
    )
    ReviewMember.objects.create(
        review=review, user=lead, role=ReviewMember.Role.LEAD, appointed_by=lead
    )
    FindingSection.objects.bulk_create(
        FindingSection(review=review, key=key) for key in FindingSection.Key
    )
    return ReviewRecommendation.objects.create(
        review=review, number=1, text="Fictional", created_by=lead
    )
