"""Opening and closing reviews. The reviews app owns the step from decision to review: it records
the SBNI Chair's decision through the referrals app and opens the review in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cmr_portal.audit.services import record
from cmr_portal.notifications.services import notify
from panels.models import User
from referrals import consideration
from referrals.consideration import DecisionValues
from referrals.models import Decision, Outcome, Referral
from referrals.services import sbni_officers
from referrals.workflow import ReferralError
from reviews.models import Review

ROUTES = {Outcome.CMR_17_2: Review.Route.ROUTE_17_2, Outcome.CMR_17_3: Review.Route.ROUTE_17_3}


@transaction.atomic
def open_review(decision: Decision, *, by: User, request: HttpRequest | None = None) -> Review:
    """Open the review a decision requires. The database allows one open review per referral.

    The referral's row is locked while its reviews are counted for the reference, so that a
    second attempt at once waits, then meets the constraint.
    """
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=decision.referral_id)
    earlier = Review.objects.filter(referral=referral).count()
    reference = f"CMR-{referral.reference}" + (f"-{earlier + 1}" if earlier else "")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                reference=reference,
                referral=referral,
                decision=decision,
                route=ROUTES[Outcome(decision.outcome)],
                opened_by=by,
            )
    except IntegrityError as clash:
        raise ReferralError(f"A review is already open for referral {referral.reference}.") from (
            clash
        )
    record(
        "review.opened",
        actor=by,
        target=review,
        summary=f"Opened review {review.reference} on referral {referral.reference}",
        changes={"route": review.route, "decision": str(decision.uuid)},
        request=request,
    )
    notify(
        sbni_officers(),
        message=f"Review {review.reference} is open: appoint its review team",
        url=reverse("referrals:overview", args=[referral.uuid]),
    )
    return review


@transaction.atomic
def decide(
    referral: Referral,
    values: DecisionValues,
    *,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Record the SBNI Chair's decision; open the review when a CMR is required."""
    decision = consideration.record_decision(referral, values, by=by, seen=seen, request=request)
    if decision.requires_cmr:
        open_review(decision, by=by, request=request)
    return decision


@transaction.atomic
def amend(
    referral: Referral,
    values: DecisionValues,
    *,
    reason: str,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Amend the decision; open, re-route or close the review to match the amended one."""
    amended = consideration.amend_decision(
        referral, values, reason=reason, by=by, seen=seen, request=request
    )
    review = Review.objects.select_for_update().filter(referral=referral, status="open").first()
    if review is None:
        if amended.requires_cmr:
            open_review(amended, by=by, request=request)
        return amended
    if not amended.requires_cmr:
        review.status = Review.Status.CLOSED
        review.closed_at = timezone.now()
        review.closure_reason = f"The decision was amended: {amended.amendment_reason}"
        review.save(update_fields=["status", "closed_at", "closure_reason"])
        record(
            "review.closed",
            actor=by,
            target=review,
            summary=f"Closed review {review.reference}: the decision was amended",
            changes={"status": [Review.Status.OPEN, Review.Status.CLOSED]},
            request=request,
        )
        return amended
    route = ROUTES[Outcome(amended.outcome)]
    changes = {"route": [review.route, route], "decision": str(amended.uuid)}
    review.route, review.decision = route, amended
    review.save(update_fields=["route", "decision"])
    record(
        "review.decision_amended",
        actor=by,
        target=review,
        summary=f"Review {review.reference} follows the amended decision",
        changes=changes,
        request=request,
    )
    return amended
