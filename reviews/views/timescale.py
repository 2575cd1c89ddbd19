"""The review's own timescale: each step's target, due date and progress, the clock's pauses and
the extensions asked for and decided. The lead reviewer and SBNI officers pause, resume and ask;
the CMR Panel chair decides."""

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.work import due_in_words
from panels.access import signed_in_user
from referrals.models import Proceeding
from referrals.workflow import ReferralError
from reviews import clock, timescales
from reviews.forms import ExtensionDecisionForm, ExtensionRequestForm, PauseForm
from reviews.models import Extension, Review
from reviews.views.common import get_review_for, viewed


def _keeper_review(request: HttpRequest, review_uuid: str) -> Review:
    """The review, for the lead reviewer or an SBNI officer only (404 for anyone else)."""
    review = get_review_for(request, review_uuid)
    if not timescales.may_keep_clock(signed_in_user(request), review):
        raise Http404
    return review


@require_GET
def timescale(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    prefetch_related_objects([review], *clock.clock_records(detailed=True))
    steps = clock.timeline(review, clock.timescales())
    running = clock.running(review, steps)
    today = timezone.localdate()
    viewed(request, review, "the timescale")
    return render(
        request,
        "reviews/timescale.html",
        {
            "review": review,
            "steps": steps,
            "running": running,
            "due_in_words": due_in_words(running.due if running else None, today),
            "overdue": running is not None and running.due is not None and running.due < today,
            "pause": clock.open_pause(review),
            "pauses": review.pauses_in_order,  # type: ignore[attr-defined]
            "extensions": review.extensions_in_order,  # type: ignore[attr-defined]
            "keeps_clock": timescales.may_keep_clock(user, review)
            and review.status == Review.Status.OPEN,
            "decides": timescales.may_decide_extension(user),
        },
    )


@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = _keeper_review(request, review_uuid)
    if review.status != Review.Status.OPEN:
        messages.info(request, "The review is closed: its clock has stopped.")
        return redirect("reviews:timescale", review.uuid)
    form = PauseForm(
        posted(request),
        proceedings=Proceeding.objects.filter(referral=review.referral_id).still_open(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            timescales.pause_clock(
                review,
                form.cleaned_data["reason"],
                proceeding=form.cleaned_data.get("proceeding"),
                by=signed_in_user(request),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The clock is paused. Nothing of the review is due now.")
            return redirect("reviews:timescale", review.uuid)
    return render(request, "reviews/pause.html", {"review": review, "form": form})


@require_POST
def resume(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = _keeper_review(request, review_uuid)
    try:
        timescales.resume_clock(review, by=signed_in_user(request), request=request)
    except ReferralError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "The clock is running again. The due date has moved on.")
    return redirect("reviews:timescale", review.uuid)


@require_http_methods(["GET", "POST"])
def request_extension(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = _keeper_review(request, review_uuid)
    if review.due_on is None:
        messages.info(
            request,
            "Nothing is due now: the clock is paused, or no step of the timescale is running.",
        )
        return redirect("reviews:timescale", review.uuid)
    form = ExtensionRequestForm(posted(request), current_due=review.due_on)
    if request.method == "POST" and form.is_valid():
        try:
            timescales.request_extension(
                review,
                form.cleaned_data["new_due"],
                form.cleaned_data["reason"],
                by=signed_in_user(request),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The CMR Panel chair has been asked to decide.")
            return redirect("reviews:timescale", review.uuid)
    return render(
        request,
        "reviews/request_extension.html",
        {"review": review, "form": form, "step": clock.Step(review.due_step).label},
    )


@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, review_uuid: str, extension_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    asked = (
        Extension.objects.select_related("requested_by", "decided_by")
        .filter(review=review, uuid=extension_uuid)
        .first()
    )
    if asked is None:
        raise Http404
    decides = timescales.may_decide_extension(user) and asked.status == Extension.Status.REQUESTED
    form = ExtensionDecisionForm(posted(request)) if decides else None
    if request.method == "POST":
        if form is None:
            if not timescales.may_decide_extension(user):
                raise Http404
            # A second click, or a form left open while the request was decided.
            messages.info(
                request,
                f"This request was decided already: {asked.get_status_display().lower()}. "
                "Nothing has been changed.",
            )
            return redirect("reviews:extension", review.uuid, asked.uuid)
        if form.is_valid():
            try:
                timescales.decide_extension(
                    asked,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                    by=user,
                    request=request,
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your decision is recorded. The team has been told.")
                return redirect("reviews:timescale", review.uuid)
    else:
        viewed(request, review, "an extension request")
    return render(
        request, "reviews/extension.html", {"review": review, "extension": asked, "form": form}
    )
