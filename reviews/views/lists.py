"""The Reviews list: the reviews the user may see, an agency contact's report requests, and its
agency's actions (those still to do, or those verified), a page at a time."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cmr_portal.kernel.pagination import counted_page, forward_page
from panels.access import objects_for, signed_in_user
from panels.models import SBNI_STAFF, Panel
from reviews.models import Action, AgencyReport, Review


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.has_sbni_role(*SBNI_STAFF):
        reviews = Review.objects.all()
    else:
        # The ids first, so that the planner can use the indexes.
        team = objects_for(user, "reviews.see_review", Review)
        panels = Panel.objects.visible_to(user)
        reviews = Review.objects.filter(
            Q(pk__in=list(team.values_list("pk", flat=True)))
            | Q(referral__panel__in=list(panels.values_list("pk", flat=True)))
        )
    # An agency contact's reports, and its agency's actions once approved: those still to do, or
    # with ?done=yes those verified, a page at a time (thousands at national scale).
    requests = AgencyReport.objects.filter(contact=user).select_related("review", "agency")
    done = request.GET.get("done") == "yes"
    approved = [Review.Stage.FOLLOW_UP, Review.Stage.CLOSED] if done else [Review.Stage.FOLLOW_UP]
    actions = (
        Action.objects.filter(
            agency_id=user.agency_id, recommendation__review__stage__in=approved
        ).select_related("recommendation__review")
        if user.agency_id
        else Action.objects.none()
    )
    if done:
        actions = actions.filter(status=Action.Status.VERIFIED).order_by("-due_date", "-id")
    else:
        actions = actions.exclude(status=Action.Status.VERIFIED)
    action_page = forward_page(actions, request.GET.get("actions"))
    return render(
        request,
        "reviews/review_list.html",
        {
            "page": counted_page(
                reviews.select_related("referral__panel").order_by("-opened_at", "-id"),
                request.GET.get("page"),
            ),
            "requests": requests,
            "action_page": action_page,
            "actions": [(action, *action.state()) for action in action_page],
            "done": done,
            "is_agency_contact": user.agency_id is not None,
        },
    )
