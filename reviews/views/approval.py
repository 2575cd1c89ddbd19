"""Approval and closure: the steps that move a review from draft to approval, follow-up and
closure, each taken by the role that may take it, with comments where a step needs them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from panels.access import signed_in_user
from referrals.workflow import ReferralError
from reviews import services
from reviews.forms import StepForm
from reviews.views.common import get_review_for, viewed


@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    posted_step = request.POST.get("step", "")
    available = [
        (name, step)
        for name, step in services.STEPS.items()
        # The posted step too, so that a refusal is shown with the comments kept.
        if services.may_take(step, user, review) or name == posted_step
    ]
    forms_by_step = {
        name: StepForm(
            request.POST if request.POST.get("step") == name else None,
            prefix=name,
            button=step.label[0].upper() + step.label[1:],
            comments_needed=step.needs_comments,
        )
        for name, step in available
    }
    if request.method == "GET":
        viewed(request, review, "the approval page")
    if request.method == "POST":
        name = posted_step
        form = forms_by_step.get(name)
        if form is None:
            messages.info(request, "That step cannot be taken now.")
            return redirect("reviews:approval", review.uuid)
        if form.is_valid():
            try:
                services.take_step(
                    review,
                    name,
                    comments=form.cleaned_data["comments"],
                    by=user,
                    seen=request.POST.get("seen"),
                    request=request,
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Done. The people involved have been told.")
                return redirect("reviews:review", review.uuid)
    return render(
        request,
        "reviews/approval.html",
        {
            "review": review,
            "forms": [
                (name, services.STEPS[name], form, services.step_problems(name, review))
                for name, form in forms_by_step.items()
            ],
            "failed": next((form for form in forms_by_step.values() if form.errors), None),
            "changes": review.stage_changes.select_related("by"),
        },
    )
