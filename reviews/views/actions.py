"""Recommendations and the action plan, and their follow-up: adding recommendations and
actions, an agency's progress with its evidence, verification by an SBNI officer, and the review's
learning themes."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from panels.models import SbniRole
from referrals.workflow import ReferralError
from reviews import follow_up, services
from reviews.forms import ActionForm, ActionUpdateForm, RecommendationForm, ThemesForm
from reviews.models import Action
from reviews.views.common import get_review_for, viewed


@require_http_methods(["GET", "POST"])
def recommendations(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    editable = services.can_draft(user, review)
    form = RecommendationForm(posted(request), sections=review.sections.all())
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.add_recommendation(review, **form.cleaned_data, by=user, request=request)
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The recommendation has been added.")
                return redirect("reviews:recommendations", review.uuid)
    else:
        viewed(request, review, "the recommendations and action plan")
    items = review.recommendations.prefetch_related("findings", "actions__agency")
    today = timezone.localdate()
    return render(
        request,
        "reviews/recommendations.html",
        {
            "review": review,
            "items": [
                (item, [(action, *action.state(today)) for action in item.actions.all()])
                for item in items
            ],
            "form": form if editable else None,
        },
    )


@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest, review_uuid: str, recommendation_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    recommendation = review.recommendations.filter(uuid=recommendation_uuid).first()
    user = signed_in_user(request)
    if recommendation is None or not services.can_draft(user, review):
        raise Http404
    form = ActionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(recommendation, form.cleaned_data, by=user, request=request)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The action has been added.")
            return redirect("reviews:recommendations", review.uuid)
    return render(
        request,
        "reviews/add_action.html",
        {"review": review, "recommendation": recommendation, "form": form},
    )


def get_action_for(request: HttpRequest, review_uuid: str, action_uuid: str) -> Action:
    action = (
        Action.objects.select_related("recommendation__review__referral__panel", "agency")
        .filter(uuid=action_uuid, recommendation__review__uuid=review_uuid)
        .first()
    )
    user = signed_in_user(request)
    if action is None or not (
        services.can_see(user, action.recommendation.review)
        or follow_up.agency_follows(user, action)
    ):
        raise Http404
    return action


@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, review_uuid: str, action_uuid: str) -> HttpResponse:
    action = get_action_for(request, review_uuid, action_uuid)
    user = signed_in_user(request)
    can_update = (
        follow_up.may_update_action(user, action) and action.status != Action.Status.VERIFIED
    )
    if request.method == "POST" and not can_update:
        raise Http404
    if request.method == "GET":
        viewed(request, action.recommendation.review, f"an action for {action.agency}")
    form = ActionUpdateForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up.update_action(action, **form.cleaned_data, by=user, request=request)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The progress is recorded.")
            return redirect("reviews:action", review_uuid, action.uuid)
    state, colour = action.state()
    return render(
        request,
        "reviews/action.html",
        {
            "review": action.recommendation.review,
            "action": action,
            "state": state,
            "colour": colour,
            "updates": action.updates.select_related("author", "evidence"),
            "form": form if can_update else None,
            "sees_review": services.can_see(user, action.recommendation.review),
            "can_verify": action.status == Action.Status.COMPLETED
            and user.has_sbni_role(SbniRole.SBNI_OFFICER),
        },
    )


@require_POST
def verify_action(request: HttpRequest, review_uuid: str, action_uuid: str) -> HttpResponse:
    action = get_action_for(request, review_uuid, action_uuid)
    if not signed_in_user(request).has_sbni_role(SbniRole.SBNI_OFFICER):
        raise Http404
    try:
        follow_up.verify_action(action, by=signed_in_user(request), request=request)
    except ReferralError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "The action is verified.")
    return redirect("reviews:action", review_uuid, action.uuid)


@require_GET
def evidence(request: HttpRequest, review_uuid: str, action_uuid: str, update_id: int) -> Any:
    action = get_action_for(request, review_uuid, action_uuid)
    update = action.updates.filter(pk=update_id, evidence__isnull=False).first()
    if update is None or update.evidence is None:
        raise Http404
    record(
        "review.document_downloaded",
        actor=signed_in_user(request),
        target=action.recommendation.review,
        summary=f"Downloaded evidence for an action of {action.recommendation.review.reference}",
        changes={"document": str(update.evidence.uuid)},
        request=request,
    )
    return attachment(update.evidence)


@require_http_methods(["GET", "POST"])
def themes(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    editable = services.may_set_themes(user, review)
    if request.method == "GET":
        viewed(request, review, "the learning themes")
    form = ThemesForm(posted(request), review=review)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            services.set_themes(
                review, form.cleaned_data["review"], form.by_section(), by=user, request=request
            )
            messages.success(request, "The learning themes are saved.")
            return redirect("reviews:review", review.uuid)
    return render(
        request, "reviews/themes.html", {"review": review, "form": form if editable else None}
    )
