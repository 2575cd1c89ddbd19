"""Every change to a review: one function each, with its audit event.

The reviews app owns the step from decision to review: it records the SBNI Chair's decision through
the referrals app and opens the review in the same transaction.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import store_upload
from cmr_portal.kernel.notifications.services import notify
from cmr_portal.kernel.words import counted
from panels.access import grant, revoke
from panels.models import SBNI_STAFF, Agency, SbniRole, User
from referrals import consideration
from referrals.consideration import DecisionValues
from referrals.models import Decision, Outcome, Referral
from referrals.services import sbni_officers
from referrals.workflow import ReferralError
from reviews import clock
from reviews.models import (
    Action,
    AgencyReport,
    ChronologyEntry,
    FindingSection,
    LearningTheme,
    Review,
    ReviewMember,
    ReviewRecommendation,
    SectionComment,
    StageChange,
    TermsOfReference,
)

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
    FindingSection.objects.bulk_create(
        FindingSection(review=review, key=key) for key in FindingSection.Key
    )
    clock.store_due_date(review)
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
        url=review_url(review),
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
        reason = f"The decision was amended: {amended.amendment_reason}"
        StageChange.objects.create(
            review=review,
            from_stage=review.stage,
            to_stage=Review.Stage.CLOSED,
            comments=reason,
            by=by,
        )
        before = review.stage
        review.status, review.stage = Review.Status.CLOSED, Review.Stage.CLOSED
        review.closed_at, review.closure_reason = timezone.now(), reason
        review.save(update_fields=["status", "stage", "closed_at", "closure_reason"])
        record(
            "review.closed",
            actor=by,
            target=review,
            summary=f"Closed review {review.reference}: the decision was amended",
            changes={
                "status": [Review.Status.OPEN, Review.Status.CLOSED],
                "stage": [before, Review.Stage.CLOSED],
            },
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


class ReviewError(ReferralError):
    """A change to a review that cannot be made now; the message says why."""


ROLE_PERMISSIONS = {
    ReviewMember.Role.LEAD: ["see_review", "draft_review", "lead_review"],
    ReviewMember.Role.REVIEWER: ["see_review", "draft_review"],
}


def can_see(user: User, review: Review) -> bool:
    """The review's records and drafts: SBNI staff, the CMR Panel and the review team."""
    return user.has_sbni_role(*SBNI_STAFF) or user.has_perm("reviews.see_review", review)


def can_draft(user: User, review: Review) -> bool:
    return review.stage == Review.Stage.DRAFTING and user.has_perm("reviews.draft_review", review)


def leads(user: User, review: Review) -> bool:
    return user.has_perm("reviews.lead_review", review)


def audit_review(
    action: str, review: Review, by: User, summary: str, request: HttpRequest | None, **changes: Any
) -> None:
    record(
        f"review.{action}",
        actor=by,
        target=review,
        summary=f"{summary} ({review.reference})",
        changes=changes or None,
        request=request,
    )


def locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _drafting(review: Review, by: User) -> Review:
    review = locked_review(review)
    if not by.has_perm("reviews.draft_review", review):
        raise ReviewError("Only the review team can change the review.")
    if review.stage != Review.Stage.DRAFTING:
        raise ReviewError(
            f"The review can be changed only while it is being drafted. It is now: "
            f"{review.get_stage_display().lower()}."
        )
    return review


def _leading(review: Review, by: User) -> Review:
    review = _drafting(review, by)
    if not leads(by, review):
        raise ReviewError("Only the review's lead reviewer can do this.")
    return review


@transaction.atomic
def appoint(
    review: Review, user: User, role: str, *, by: User, request: HttpRequest | None = None
) -> ReviewMember:
    """SBNI officers appoint the team; each member gets permissions on this review only."""
    if not by.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise ReviewError("Only an SBNI officer can appoint the review team.")
    review = locked_review(review)
    if review.status != Review.Status.OPEN:
        raise ReviewError("The review is closed.")
    if review.team.filter(user=user).exists():
        raise ReviewError(f"{user.full_name} is already on the review team.")
    if role == ReviewMember.Role.LEAD and review.team.filter(role=role).exists():
        raise ReviewError("The review has a lead reviewer. Remove them first.")
    member = ReviewMember.objects.create(review=review, user=user, role=role, appointed_by=by)
    for permission in ROLE_PERMISSIONS[ReviewMember.Role(role)]:
        grant(user, f"reviews.{permission}", review)
    audit_review(
        "member_appointed",
        review,
        by,
        f"Appointed {user.full_name} as {member.get_role_display().lower()}",
        request,
        member=user.email,
        role=role,
    )
    notify(
        [user], message=f"You are on the team of review {review.reference}", url=review_url(review)
    )
    return member


@transaction.atomic
def remove_member(member: ReviewMember, *, by: User, request: HttpRequest | None = None) -> None:
    if not by.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise ReviewError("Only an SBNI officer can change the review team.")
    review = locked_review(member.review)
    for permission in ROLE_PERMISSIONS[ReviewMember.Role(member.role)]:
        revoke(member.user, f"reviews.{permission}", review)
    audit_review(
        "member_removed",
        review,
        by,
        f"Removed {member.user.full_name} from the review team",
        request,
        member=member.user.email,
    )
    member.delete()


def review_url(review: Review, name: str = "review", *more: object) -> str:
    """The address of one of the review's pages, ``reviews:<name>``, with ``more`` arguments."""
    return reverse(f"reviews:{name}", args=[review.uuid, *more])


@transaction.atomic
def save_terms(
    review: Review,
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> TermsOfReference:
    """A new version of the terms of reference; the earlier ones stay."""
    review = _leading(review, by)
    latest = review.terms.first()
    agencies = values.pop("agencies")
    terms = TermsOfReference.objects.create(
        review=review, version=(latest.version + 1 if latest else 1), saved_by=by, **values
    )
    terms.agencies.set(agencies)
    clock.store_due_date(review)
    # Each term that changed, [before, after], for the review's history.
    changed = {
        key: [_stored(getattr(latest, key)) if latest else None, _stored(getattr(terms, key))]
        for key in ("period_from", "period_to", "lines_of_enquiry", "agreed_on")
        if latest is None or getattr(latest, key) != getattr(terms, key)
    }
    audit_review(
        "terms_saved",
        review,
        by,
        f"Saved version {terms.version} of the terms of reference",
        request,
        version=terms.version,
        **changed,
    )
    return terms


def _stored(value: Any) -> Any:
    """A value as an audit event's changes keep it (JSON): a date as ISO 8601."""
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def request_agency_report(
    review: Review,
    *,
    agency: Agency,
    contact: User,
    asked: str,
    due_date: datetime.date,
    by: User,
    request: HttpRequest | None = None,
) -> AgencyReport:
    review = _leading(review, by)
    if contact.agency_id != agency.pk:
        raise ReviewError(f"{contact.full_name} is not a contact of {agency}.")
    if review.agency_reports.filter(agency=agency).exists():
        raise ReviewError(f"{agency} has been asked already.")
    if due_date <= timezone.localdate():
        raise ReviewError("The report must be due after today")
    report = AgencyReport.objects.create(
        review=review,
        agency=agency,
        contact=contact,
        asked=asked,
        due_date=due_date,
        requested_by=by,
    )
    audit_review(
        "agency_report_requested",
        review,
        by,
        f"Asked {agency} for its report",
        request,
        agency=str(agency),
        due_date=due_date.isoformat(),
    )
    notify(
        [contact],
        message=f"Review {review.reference} asks for your agency's report",
        url=reverse("reviews:agency_report", args=[review.uuid, report.uuid]),
    )
    return report


@transaction.atomic
def send_agency_report(
    report: AgencyReport,
    *,
    report_file: UploadedFile,
    chronology_file: UploadedFile | None,
    by: User,
    request: HttpRequest | None = None,
) -> AgencyReport:
    """The agency contact sends the report and its chronology; the lead reviewer is told."""
    report = AgencyReport.objects.select_for_update().select_related("review").get(pk=report.pk)
    if report.contact_id != by.pk:
        raise ReviewError("Only the agency's contact can send its report.")
    if report.status == AgencyReport.Status.ACCEPTED:
        raise ReviewError("The report has been accepted: it can no longer be replaced.")
    if report.review.stage != Review.Stage.DRAFTING:
        raise ReviewError("The review has moved on from gathering information.")
    report.report = store_upload(report_file, by=by)
    if chronology_file is not None:
        report.chronology = store_upload(chronology_file, by=by)
    report.status = AgencyReport.Status.RECEIVED
    report.received_at = timezone.now()
    report.save(update_fields=["report", "chronology", "status", "received_at"])
    audit_review(
        "agency_report_received",
        report.review,
        by,
        f"{report.agency} sent its report",
        request,
        report=str(report.report.uuid),
    )
    notify(
        [member.user for member in report.review.team.filter(role=ReviewMember.Role.LEAD)],
        message=f"{report.agency} has sent its report for review {report.review.reference}",
        url=reverse("reviews:agency_report", args=[report.review.uuid, report.uuid]),
    )
    return report


@transaction.atomic
def accept_agency_report(
    report: AgencyReport, *, by: User, request: HttpRequest | None = None
) -> AgencyReport:
    _leading(report.review, by)
    report = AgencyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AgencyReport.Status.RECEIVED:
        raise ReviewError("Only a report that has been received can be accepted.")
    report.status = AgencyReport.Status.ACCEPTED
    report.accepted_at = timezone.now()
    report.save(update_fields=["status", "accepted_at"])
    audit_review("agency_report_accepted", report.review, by, f"Accepted the {report}", request)
    return report


@transaction.atomic
def add_chronology_entries(
    review: Review,
    rows: list[dict[str, Any]],
    *,
    by: User,
    source: str,
    request: HttpRequest | None = None,
) -> list[ChronologyEntry]:
    """Add entries typed in or imported; each is checked by the caller's form first."""
    review = _drafting(review, by)
    entries = ChronologyEntry.objects.bulk_create(
        ChronologyEntry(review=review, added_by=by, **row) for row in rows
    )
    audit_review(
        "chronology_added",
        review,
        by,
        f"Added {counted(len(entries), 'chronology entry')} ({source})",
        request,
        count=len(entries),
        source=source,
    )
    return entries


CHRONOLOGY_FIELDS = ("date", "end_date", "agency", "event", "source", "significance", "notes")
"""What of a chronology entry the review team types, and may correct."""


@transaction.atomic
def change_chronology_entry(
    entry: ChronologyEntry,
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> ChronologyEntry:
    """Correct an entry typed in or imported (``values``: ``CHRONOLOGY_FIELDS``, checked by the
    form), while the review is drafted, by its team only: the agency contacts never change
    the chronology. The audit event holds each changed field as [before, after]; nothing
    changed records nothing."""
    _drafting(entry.review, by)
    entry = ChronologyEntry.objects.select_for_update().get(pk=entry.pk)
    changes = {
        name: [_audited(getattr(entry, name)), _audited(values[name])]
        for name in CHRONOLOGY_FIELDS
        if getattr(entry, name) != values[name]
    }
    if not changes:
        return entry
    for name in changes:
        setattr(entry, name, values[name])
    entry.save(update_fields=list(changes))
    audit_review(
        "chronology_changed",
        entry.review,
        by,
        f"Changed the chronology entry of {entry.date:%d %B %Y}",
        request,
        entry=str(entry.uuid),
        **changes,
    )
    return entry


def _audited(value: Any) -> Any:
    """A field's value as the audit log keeps it: dates as ISO text, an agency by its name."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if isinstance(value, models.Model) else value


@transaction.atomic
def remove_chronology_entry(
    entry: ChronologyEntry, *, by: User, request: HttpRequest | None = None
) -> None:
    review = _drafting(entry.review, by)
    audit_review(
        "chronology_removed",
        review,
        by,
        f"Removed the chronology entry of {entry.date:%d %B %Y}",
        request,
        event=entry.event,
    )
    entry.delete()


@transaction.atomic
def add_recommendation(
    review: Review,
    *,
    text: str,
    findings: Iterable[FindingSection],
    by: User,
    request: HttpRequest | None = None,
) -> ReviewRecommendation:
    review = _drafting(review, by)
    last = review.recommendations.aggregate(models.Max("number"))["number__max"] or 0
    recommendation = ReviewRecommendation.objects.create(
        review=review, number=last + 1, text=text, created_by=by
    )
    recommendation.findings.set(findings)
    audit_review(
        "recommendation_added",
        review,
        by,
        f"Added recommendation {recommendation.number}",
        request,
        text=text,
    )
    return recommendation


@transaction.atomic
def add_action(
    recommendation: ReviewRecommendation,
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Action:
    review = _drafting(recommendation.review, by)
    action = Action.objects.create(recommendation=recommendation, **values)
    audit_review(
        "action_added",
        review,
        by,
        f"Added an action for {action.agency} to recommendation {recommendation.number}",
        request,
        due_date=action.due_date.isoformat(),
    )
    return action


def may_set_themes(user: User, review: Review) -> bool:
    return can_draft(user, review) or (
        review.status == Review.Status.OPEN and user.has_sbni_role(SbniRole.SBNI_OFFICER)
    )


@transaction.atomic
def set_themes(
    review: Review,
    themes: Iterable[LearningTheme],
    by_section: dict[FindingSection, list[LearningTheme]],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """The learning themes of the review and of each findings section: the team while it drafts,
    SBNI officers while the review is open."""
    review = locked_review(review)
    if not may_set_themes(by, review):
        raise ReviewError("The themes are set by the team while drafting, or by an SBNI officer.")
    review.themes.set(themes)
    for section, chosen in by_section.items():
        section.themes.set(chosen)
    audit_review(
        "themes_set",
        review,
        by,
        "Set the learning themes",
        request,
        themes=sorted(str(theme) for theme in review.themes.all()),
    )


@dataclass(frozen=True)
class Step:
    label: str
    source: str
    target: str
    role: SbniRole | None  # None: the review's lead reviewer
    needs_comments: bool = False


S = Review.Stage
STEPS: dict[str, Step] = {
    "submit": Step("submit the draft report", S.DRAFTING, S.PANEL_SCRUTINY, None),
    "panel_approve": Step(
        "approve the draft report", S.PANEL_SCRUTINY, S.CHAIR_APPROVAL, SbniRole.CMR_PANEL_CHAIR
    ),
    "panel_return": Step(
        "return the draft report", S.PANEL_SCRUTINY, S.DRAFTING, SbniRole.CMR_PANEL_CHAIR, True
    ),
    "chair_approve": Step("approve the report", S.CHAIR_APPROVAL, S.FOLLOW_UP, SbniRole.SBNI_CHAIR),
    "chair_return": Step(
        "return the report", S.CHAIR_APPROVAL, S.DRAFTING, SbniRole.SBNI_CHAIR, True
    ),
    "close": Step("close the review", S.FOLLOW_UP, S.CLOSED, SbniRole.SBNI_OFFICER),
}


def may_take(step: Step, user: User, review: Review) -> bool:
    allowed = user.has_sbni_role(step.role) if step.role else leads(user, review)
    return allowed and review.stage == step.source


def step_problems(name: str, review: Review) -> list[str]:
    """What must be done before a step: the draft complete; every action verified."""
    if name == "submit":
        terms = review.terms.first()
        problems = [] if terms and terms.agreed_on else ["Agree the terms of reference"]
        empty = [
            str(section.get_key_display())
            for section in review.sections.all()
            if not section.text.strip()
        ]
        if empty or review.sections.count() < len(FindingSection.Key):
            problems.append("Draft the findings on every question")
        if not review.recommendations.exists():
            problems.append("Make at least one recommendation")
        return problems
    if name == "close":
        open_actions = Action.objects.filter(recommendation__review=review).exclude(
            status=Action.Status.VERIFIED
        )
        if open_actions.exists():
            return [f"Verify every action: {open_actions.count()} not verified yet"]
    return []


@transaction.atomic
def take_step(
    review: Review,
    name: str,
    *,
    comments: str = "",
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> StageChange:
    """Move a review through approval and closure; a return needs comments."""
    step = STEPS[name]
    review = locked_review(review)
    if seen is not None and review.stage != seen:
        raise ReviewError(
            "Someone else acted on this review while you had this page open. It is now: "
            f"{review.get_stage_display().lower()}. Nothing has been saved."
        )
    if not may_take(step, by, review):
        raise ReviewError(f"You cannot {step.label} now.")
    if step.needs_comments and not comments.strip():
        raise ReviewError("Say what needs to change")
    if problems := step_problems(name, review):
        raise ReviewError(f"Before you {step.label}: {'; '.join(problems)}.")
    change = StageChange.objects.create(
        review=review, from_stage=review.stage, to_stage=step.target, comments=comments, by=by
    )
    review.stage = step.target
    fields = ["stage"]
    if step.target == S.CLOSED:
        review.status, review.closed_at = Review.Status.CLOSED, timezone.now()
        review.closure_reason = comments or "Every action has been verified."
        fields += ["status", "closed_at", "closure_reason"]
    review.save(update_fields=fields)
    clock.store_due_date(review)
    audit_review(
        name,
        review,
        by,
        f"{step.label[0].upper()}{step.label[1:]}",
        request,
        stage=[change.from_stage, change.to_stage],
        comments=comments,
    )
    told = [member.user for member in review.team.all()]
    if step.target == S.PANEL_SCRUTINY:
        told += list(User.objects.filter(groups__name=SbniRole.CMR_PANEL_CHAIR, is_active=True))
    elif step.target == S.CHAIR_APPROVAL:
        told += list(User.objects.filter(groups__name=SbniRole.SBNI_CHAIR, is_active=True))
    notify(
        told,
        message=f"Review {review.reference}: {review.get_stage_display().lower()}",
        url=review_url(review),
    )
    return change


@transaction.atomic
def add_comment(
    section: FindingSection, text: str, *, by: User, request: HttpRequest | None = None
) -> SectionComment:
    """A comment on a findings section, within the review team."""
    if not by.has_perm("reviews.see_review", section.review):
        raise ReviewError("Only the review team comments on the findings.")
    comment = SectionComment.objects.create(section=section, author=by, text=text)
    audit_review(
        "comment_added",
        section.review,
        by,
        f"Commented on '{section.get_key_display()}'",
        request,
    )
    return comment
