"""A review's home page: its task list, the stages and their states worked out from the records,
in full for the review's people and as progress only for the referring panel."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cmr_portal.kernel import words
from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.work import due_in_words
from panels.access import signed_in_user
from panels.models import SBNI_STAFF
from referrals.forms import answers
from referrals.models import Referral
from referrals.notices import reads_notices
from reviews import family, services
from reviews.models import Action, AgencyReport, FindingSection, Review, ReviewMember
from reviews.views.common import get_review_for, sees_progress, viewed

CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class Task:
    title: str
    url: str | None
    state: str
    colour: str = ""  # a tag colour; none when the task is completed

    @property
    def cannot_start(self) -> bool:
        return self.state == CANNOT_START

    @property
    def slug(self) -> str:
        return self.title.lower().replace(" ", "-")


def counted(rows: QuerySet[Any], by: str = "review") -> Coalesce:
    """The number of ``rows`` (of one review), as a subquery: each relation counted on its own,
    never joined to the others, which would multiply the rows to count."""
    return Coalesce(Subquery(rows.order_by().values(by).annotate(n=Count("pk")).values("n")), 0)


def tasks(review: Review, full: bool) -> list[Task]:
    """The stages of the review and their states, from the records (a fixed number of queries)."""
    actions = Action.objects.filter(recommendation__review=review)
    of_review = "recommendation__review"
    counts = (
        Review.objects.filter(pk=review.pk)
        .values("pk")
        .annotate(
            leads=counted(review.team.filter(role=ReviewMember.Role.LEAD)),
            requests=counted(review.agency_reports.all()),
            accepted=counted(review.agency_reports.filter(status=AgencyReport.Status.ACCEPTED)),
            entries=counted(review.chronology.all()),
            drafted=counted(review.sections.exclude(text="")),
            recommended=counted(review.recommendations.all()),
            actions=counted(actions, of_review),
            verified=counted(actions.filter(status=Action.Status.VERIFIED), of_review),
            family_members=counted(review.family.all()),
        )
        .get()
    )
    terms = review.terms.first()
    stage = Review.Stage
    after_drafting = review.stage != stage.DRAFTING

    def url(name: str) -> str | None:
        return reverse(f"reviews:{name}", args=[review.uuid]) if full else None

    def progress(
        done: bool, started: bool, note: str = "", *, can_start: bool = True
    ) -> tuple[str, str]:
        if done:
            return "Completed", ""
        if started:
            return note or "In progress", "light-blue"
        return ("Not started", "blue") if can_start else (CANNOT_START, "")

    sections = len(FindingSection.Key)
    rows = [
        ("Timescale", "timescale", timescale_state(review)),
        ("Set-up", "team", progress(counts["leads"] > 0, False)),
        (
            "Terms of reference",
            "terms",
            progress(bool(terms and terms.agreed_on), terms is not None, "Draft"),
        ),
        (
            "Agency information",
            "agency_reports",
            progress(
                counts["requests"] > 0 and counts["accepted"] == counts["requests"],
                counts["requests"] > 0,
                f"{counts['accepted']} of {counts['requests']} accepted",
            ),
        ),
        *(
            [
                (
                    "Family liaison",
                    "family",
                    progress(
                        family.publication_check(review).met,
                        counts["family_members"] > 0,
                        f"{words.counted(counts['family_members'], 'family member')} on the plan",
                    ),
                )
            ]
            # The referring panel sees nothing of the family.
            if full
            else []
        ),
        (
            "Chronology",
            "chronology",
            progress(
                after_drafting, counts["entries"] > 0, words.counted(counts["entries"], "entry")
            ),
        ),
        (
            "Analysis and findings",
            "findings",
            progress(
                counts["drafted"] == sections,
                counts["drafted"] > 0,
                f"{counts['drafted']} of {sections} drafted",
            ),
        ),
        (
            "Recommendations and action plan",
            "recommendations",
            progress(
                after_drafting,
                counts["recommended"] > 0,
                words.counted(counts["recommended"], "recommendation"),
            ),
        ),
        ("Draft report", "report", progress(after_drafting, False)),
        (
            "Approval",
            "approval",
            progress(
                review.stage in (stage.FOLLOW_UP, stage.CLOSED),
                after_drafting,
                str(review.get_stage_display()),
                can_start=False,
            ),
        ),
        (
            "Learning and follow-up",
            "recommendations",
            progress(
                review.stage == stage.CLOSED,
                review.stage == stage.FOLLOW_UP,
                f"{counts['verified']} of {words.counted(counts['actions'], 'action')} verified",
                can_start=False,
            ),
        ),
        (
            "Closure",
            "approval",
            progress(review.stage == stage.CLOSED, False, can_start=False),
        ),
    ]
    return [Task(title, url(name), state, colour) for title, name, (state, colour) in rows]


def timescale_state(review: Review) -> tuple[str, str]:
    """The step of the review's own timescale running, from the stored fields: its due date and
    the working days left (red once overdue), "Clock paused", or "No step running"."""
    if not review.due_step:
        return "No step running", "grey"
    if review.due_on is None:
        return "Clock paused", "yellow"
    today = timezone.localdate()
    state = f"Due {review.due_on:%-d %B %Y}"
    if review.due_on != today:
        state += f": {due_in_words(review.due_on, today)}"
    return state, "red" if review.due_on < today else "light-blue"


@require_GET
def review(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = Review.objects.select_related("referral__panel").filter(uuid=review_uuid).first()
    user = signed_in_user(request)
    if review is None:
        raise Http404
    full = services.can_see(user, review)
    if not full and not sees_progress(user, review):
        raise Http404
    viewed(request, review, "the progress" if not full else "the workspace")
    return render(
        request,
        "reviews/review.html",
        {
            "review": review,
            "tasks": tasks(review, full),
            "full": full,
            "team": review.team.select_related("user") if full else [],
            "themes": review.themes.all(),
            "sees_viewers": user.has_sbni_role(*SBNI_STAFF),
            "reads_notices": reads_notices(user),
            "family_contacts": [] if full else family.liaison_contacts(review),
        },
    )


@require_GET
def referral(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """The referral as the review's people need it, for everyone who may see the review (its
    team included, who may not open the referral itself): the panel's answers, siblings,
    agencies and the SBNI Chair's decision with its reasons. The CMR Panel's deliberations (its
    agenda, recommendation and declarations of interest: ``consideration.DELIBERATIONS``) and
    the referral's documents stay with the SBNI. Audited as a view of the referral; 404 as for
    the review itself."""
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    shown = review.referral
    record(
        "referral.viewed",
        actor=user,
        target=shown,
        summary=f"Viewed referral {shown.reference} from review {review.reference}",
        request=request,
    )
    return render(
        request,
        "reviews/referral.html",
        {
            "review": review,
            "referral": shown,
            "answers": answers(shown),
            "siblings": shown.siblings.all(),
            "agencies": shown.agencies.select_related("agency"),
            "decision": shown.current_decision,
            "opens_referral": Referral.objects.visible_to(user).filter(pk=shown.pk).exists(),
        },
    )
