"""The SBNI Chair's decision, which opens a review when a CMR is required, and its amendment."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from panels.models import User
from referrals.access import get_referral_for
from referrals.consideration import latest_recommendation
from referrals.consideration_forms import DecisionForm
from referrals.models import Decision, Referral
from referrals.workflow import ReferralError, allowed, sbni_chair
from reviews import services


def chair_only(request: HttpRequest, referral_uuid: str) -> tuple[Referral, User]:
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not sbni_chair(user, referral):
        raise Http404
    return referral, user


def decided(request: HttpRequest, decision: Decision) -> None:
    review = decision.reviews.first()
    opened = f" Review {review.reference} is open." if review else ""
    messages.success(
        request, f"The decision is recorded: {decision.get_outcome_display()}.{opened}"
    )


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral, user = chair_only(request, referral_uuid)
    if request.method == "GET" and not allowed(referral, "decide", user):
        messages.info(
            request,
            "There is nothing to decide now. The referral's status is: "
            f"{referral.get_status_display().lower()}.",
        )
        return redirect("referrals:overview", referral.uuid)
    form = DecisionForm(posted(request), referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decide(
                referral,
                form.values(),
                by=user,
                seen=request.POST.get("seen"),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
            referral.refresh_from_db(fields=["status"])
        else:
            decided(request, decision)
            return redirect("referrals:overview", referral.uuid)
    return render(
        request,
        "reviews/decide.html",
        {
            "form": form,
            "referral": referral,
            "recommendation": latest_recommendation(referral),
            "seen": referral.status,
        },
    )


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral, user = chair_only(request, referral_uuid)
    current = referral.current_decision
    if current is None:
        messages.info(request, "There is no decision to amend on this referral.")
        return redirect("referrals:overview", referral.uuid)
    initial = {
        "outcome": current.outcome,
        "learning_route": current.learning_route,
        "reasons": current.reasons,
        "departure_reason": current.departure_reason,
    }
    form = DecisionForm(posted(request), referral=referral, initial=initial, amending=current)
    if request.method == "POST" and form.is_valid():
        try:
            amended = services.amend(
                referral,
                form.values(),
                reason=form.cleaned_data["amendment_reason"],
                by=user,
                seen=request.POST.get("seen"),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
            current = referral.current_decision or current
        else:
            decided(request, amended)
            return redirect("referrals:decision", referral.uuid)
    return render(
        request,
        "reviews/amend.html",
        {"form": form, "referral": referral, "decision": current, "seen": current.uuid},
    )
