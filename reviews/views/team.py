"""Setting a review up: the review team (appointed and removed by an SBNI officer) and the
versions of its terms of reference (drafted by a lead reviewer)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from panels.models import SbniRole, User
from referrals.workflow import ReferralError
from reviews import services
from reviews.forms import AppointForm, TermsForm
from reviews.models import Review
from reviews.views.common import get_review_for, purpose_labels, viewed


@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    appoints = user.has_sbni_role(SbniRole.SBNI_OFFICER) and review.status == Review.Status.OPEN
    members = review.team.select_related("user")
    if request.method == "GET":
        viewed(request, review, "the review team")
    form = AppointForm(
        posted(request),
        candidates=User.objects.filter(is_active=True)
        .exclude(review_memberships__review=review)
        .order_by("full_name"),
    )
    if request.method == "POST":
        if not appoints:
            raise Http404
        if form.is_valid():
            try:
                services.appoint(
                    review,
                    form.cleaned_data["user"],
                    form.cleaned_data["role"],
                    by=user,
                    request=request,
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{form.cleaned_data['user'].full_name} is appointed.")
                return redirect("reviews:team", review.uuid)
    return render(
        request,
        "reviews/team.html",
        {
            "review": review,
            "members": members,
            "form": form if appoints else None,
            "appoints": appoints,
        },
    )


@require_POST
def remove_member(request: HttpRequest, review_uuid: str, member_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    member = review.team.select_related("user").filter(uuid=member_uuid).first()
    user = signed_in_user(request)
    if member is None or not user.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise Http404
    services.remove_member(member, by=user, request=request)
    messages.success(request, f"{member.user.full_name} is no longer on the team.")
    return redirect("reviews:team", review.uuid)


@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    versions = list(review.terms.select_related("saved_by").prefetch_related("agencies"))
    current = versions[0] if versions else None
    initial = (
        {
            "period_from": current.period_from,
            "period_to": current.period_to,
            "lines_of_enquiry": current.lines_of_enquiry,
            "purposes": current.purposes,
            "agencies": list(current.agencies.all()),
            "agreed_on": current.agreed_on,
        }
        if current
        else {}
    )
    form = TermsForm(posted(request), initial=initial)
    editable = services.can_draft(user, review) and services.leads(user, review)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                saved = services.save_terms(
                    review, dict(form.cleaned_data), by=user, request=request
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Version {saved.version} is saved.")
                return redirect("reviews:terms", review.uuid)
    else:
        viewed(request, review, "the terms of reference")
    return render(
        request,
        "reviews/terms.html",
        {
            "review": review,
            "current": current,
            "versions": versions,
            "current_purposes": purpose_labels(current.purposes if current else []),
            "form": form if editable else None,
        },
    )
