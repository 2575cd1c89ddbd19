"""The family's part: the family liaison plan, the log of contacts with the family, whether the
draft report was shared with each family member and their response, and the SBNI's choice of
telling the referring panel who the family's contact is. SBNI staff and the review team only:
anyone else gets 404 (``reviews.family``)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from panels.models import SbniRole
from referrals.workflow import ReferralError
from reviews import family
from reviews.forms import FamilyContactForm, FamilyMemberForm, ShareContactForm
from reviews.models import FamilyMember, Review
from reviews.views.common import get_review_for, viewed


def refused(form: forms.Form, error: ReferralError) -> None:
    """The service's refusal shown on the form: beside the answer at fault when it names one."""
    form.add_error(error.field if isinstance(error, family.FamilyError) else None, str(error))


@require_http_methods(["GET", "POST"])
def family_page(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """The plan, each family member's draft report and response, and the log of contacts."""
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    shares = user.has_sbni_role(SbniRole.SBNI_OFFICER)
    form = ShareContactForm(
        posted(request), initial={"shared": "yes" if review.family_contact_shared else "no"}
    )
    if request.method == "POST":
        if not shares:
            raise Http404
        if form.is_valid():
            family.set_contact_shared(review, form.cleaned_data["shared"], by=user, request=request)
            messages.success(request, "Your choice is saved.")
            return redirect("reviews:family", review.uuid)
    else:
        viewed(request, review, "the family liaison plan")
    members = list(review.family.select_related("contact__user"))
    contacts = list(
        review.family_contacts.select_related("by", "recorded_by").prefetch_related("members")
    )
    return render(
        request,
        "reviews/family.html",
        {
            "review": review,
            "states": family.draft_states(members, contacts),
            "contacts": contacts,
            "check": family.publication_check(review),
            "plans": family.may_plan(user, review),
            "records": family.may_record(user, review) and bool(members),
            "form": form if shares else None,
        },
    )


def member_page(request: HttpRequest, review: Review, member: FamilyMember | None) -> HttpResponse:
    """Adding a family member to the plan (``member`` None), or changing their entry."""
    user = signed_in_user(request)
    if not family.may_plan(user, review):
        raise Http404
    initial = (
        {
            "role": member.role,
            "qualifier": member.qualifier,
            "participation": member.participation,
            "not_contacted_reason": member.not_contacted_reason,
            "contact": member.contact,
            "arrangements": member.arrangements,
        }
        if member
        else {"participation": FamilyMember.Participation.TO_BE_INVITED}
    )
    form = FamilyMemberForm(
        posted(request),
        initial=initial,
        team=review.team.select_related("user"),
        button="Save the changes" if member else "Add to the plan",
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                if member:
                    family.change_family_member(member, form.cleaned_data, by=user, request=request)
                else:
                    member = family.add_family_member(
                        review, form.cleaned_data, by=user, request=request
                    )
            except ReferralError as error:
                refused(form, error)
            else:
                messages.success(request, f"{member.described} is on the plan.")
                return redirect("reviews:family", review.uuid)
    else:
        viewed(
            request,
            review,
            f"the family liaison plan for {member.get_role_display()}"
            if member
            else "the family liaison plan (adding a family member)",
        )
    return render(
        request,
        "reviews/family_member.html",
        {"review": review, "member": member, "form": form},
    )


@require_http_methods(["GET", "POST"])
def add_family_member(request: HttpRequest, review_uuid: str) -> HttpResponse:
    return member_page(request, get_review_for(request, review_uuid), None)


@require_http_methods(["GET", "POST"])
def family_member(request: HttpRequest, review_uuid: str, member_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    member = review.family.select_related("contact").filter(uuid=member_uuid).first()
    if member is None:
        raise Http404
    member.review = review
    return member_page(request, review, member)


@require_http_methods(["GET", "POST"])
def add_family_contact(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """Record a contact with the family; the signed-in person made it, unless they say who."""
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    if not family.may_record(user, review):
        raise Http404
    form = FamilyContactForm(
        posted(request),
        initial={"by": user},
        people=family.contact_people(review),
        family=review.family.all(),
    )
    if request.method == "GET":
        viewed(request, review, "the family liaison plan (recording a contact)")
    elif form.is_valid():
        try:
            family.record_contact(review, form.cleaned_data, by=user, request=request)
        except ReferralError as error:
            refused(form, error)
        else:
            messages.success(request, "The contact is recorded.")
            return redirect("reviews:family", review.uuid)
    return render(request, "reviews/family_contact.html", {"review": review, "form": form})
