"""The review workspace: the task list, the team, the terms of reference, agency reports, the
chronology, findings, recommendations and actions, approval and closure.

SBNI staff, the CMR Panel and the review's own team see a review's records and drafts; the
referring panel sees its progress only; an agency contact sees its own requests only. Anyone else
gets 404, as for a review that does not exist.
"""

import csv
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.models import Document
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.pagination import forward_page
from cmr_portal.kernel.pdf import pdf_response
from panels.access import objects_for, signed_in_user
from panels.models import SBNI_STAFF, Panel, SbniRole, User
from referrals.workflow import ReferralError
from reviews import chronology, documents, drafting, follow_up, publishing, services
from reviews.forms import (
    ActionForm,
    ActionUpdateForm,
    AgencyReportForm,
    AppointForm,
    ChronologyEntryForm,
    CommentForm,
    ImportForm,
    PseudonymForm,
    RecommendationForm,
    SendReportForm,
    SignOffForm,
    StepForm,
    TermsForm,
    ThemesForm,
)
from reviews.models import (
    PURPOSES,
    Action,
    AgencyReport,
    FindingSection,
    PublicationSignOff,
    ReportExport,
    Review,
    ReviewMember,
)
from reviews.tasks import request_export, request_import


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


def get_review_for(request: HttpRequest, review_uuid: str) -> Review:
    """A review whose records the user may see; 404 for one missing or forbidden alike."""
    review = Review.objects.select_related("referral__panel").filter(uuid=review_uuid).first()
    if review is None or not services.can_see(signed_in_user(request), review):
        raise Http404
    return review


def sees_progress(user: User, review: Review) -> bool:
    """The referring panel follows the review's progress, not its drafts."""
    return user.has_perm("panels.view_panel_cases", review.referral.panel)


def viewed(request: HttpRequest, review: Review, what: str) -> None:
    record(
        "review.viewed",
        actor=signed_in_user(request),
        target=review,
        summary=f"Viewed {what} of review {review.reference}",
        request=request,
    )


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
            "page": Paginator(
                reviews.select_related("referral__panel").order_by("-opened_at", "-id"), 25
            ).get_page(request.GET.get("page")),
            "requests": requests,
            "action_page": action_page,
            "actions": [(action, *action.state()) for action in action_page],
            "done": done,
            "is_agency_contact": user.agency_id is not None,
        },
    )


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
        (
            "Chronology",
            "chronology",
            progress(after_drafting, counts["entries"] > 0, plural(counts["entries"], "entry")),
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
                plural(counts["recommended"], "recommendation"),
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
                f"{counts['verified']} of {counts['actions']} actions verified",
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
        },
    )


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


def purpose_labels(keys: list[str]) -> list[str]:
    labels = dict(PURPOSES)
    return [labels[key] for key in keys if key in labels]


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


@require_http_methods(["GET", "POST"])
def agency_reports(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    editable = services.can_draft(user, review) and services.leads(user, review)
    form = AgencyReportForm(posted(request))
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.request_agency_report(
                    review, **form.cleaned_data, by=user, request=request
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The request has been sent. The contact has been told.")
                return redirect("reviews:agency_reports", review.uuid)
    if request.method == "GET":
        viewed(request, review, "the agency reports")
    reports = review.agency_reports.select_related("agency", "contact")
    return render(
        request,
        "reviews/agency_reports.html",
        {"review": review, "reports": reports, "form": form if editable else None},
    )


def get_agency_report_for(
    request: HttpRequest, review_uuid: str, report_uuid: str
) -> tuple[AgencyReport, bool]:
    """The request, for the review's people or its agency contact; whether the user is that
    contact."""
    report = (
        AgencyReport.objects.select_related("review__referral__panel", "agency", "contact")
        .filter(uuid=report_uuid, review__uuid=review_uuid)
        .first()
    )
    user = signed_in_user(request)
    if report is None:
        raise Http404
    is_contact = report.contact_id == user.pk
    if not is_contact and not services.can_see(user, report.review):
        raise Http404
    return report, is_contact


@require_http_methods(["GET", "POST"])
def agency_report(request: HttpRequest, review_uuid: str, report_uuid: str) -> HttpResponse:
    report, is_contact = get_agency_report_for(request, review_uuid, report_uuid)
    user = signed_in_user(request)
    form = SendReportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "GET":
        viewed(request, report.review, f"the {report.agency} report request")
    if request.method == "POST":
        if not is_contact:
            raise Http404
        if form.is_valid():
            try:
                services.send_agency_report(
                    report,
                    report_file=form.cleaned_data["report"],
                    chronology_file=form.cleaned_data["chronology"],
                    by=user,
                    request=request,
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your report has been sent. The lead reviewer is told.")
                return redirect("reviews:agency_report", review_uuid, report.uuid)
    return render(
        request,
        "reviews/agency_report.html",
        {
            "report": report,
            "review": report.review,
            "form": form
            if is_contact
            and (
                form.errors
                or (
                    report.status != AgencyReport.Status.ACCEPTED
                    and report.review.stage == Review.Stage.DRAFTING
                )
            )
            else None,
            "can_accept": report.status == AgencyReport.Status.RECEIVED
            and services.can_draft(user, report.review)
            and services.leads(user, report.review),
        },
    )


@require_POST
def accept_agency_report(request: HttpRequest, review_uuid: str, report_uuid: str) -> HttpResponse:
    report, _ = get_agency_report_for(request, review_uuid, report_uuid)
    try:
        services.accept_agency_report(report, by=signed_in_user(request), request=request)
    except ReferralError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"The {report.agency} report is accepted.")
    return redirect("reviews:agency_report", review_uuid, report.uuid)


@require_GET
def agency_document(
    request: HttpRequest, review_uuid: str, report_uuid: str, which: str
) -> FileResponse:
    report, _ = get_agency_report_for(request, review_uuid, report_uuid)
    document: Document | None = {"report": report.report, "chronology": report.chronology}.get(
        which
    )
    if document is None:
        raise Http404
    record(
        "review.document_downloaded",
        actor=signed_in_user(request),
        target=report.review,
        summary=f"Downloaded the {report.agency} {which} of review {report.review.reference}",
        changes={"document": str(document.uuid)},
        request=request,
    )
    return attachment(document)


@require_http_methods(["GET", "POST"])
def chronology_page(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    editable = services.can_draft(user, review)
    form = ChronologyEntryForm(posted(request))
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.add_chronology_entries(
                    review, [form.cleaned_data], by=user, source="typed in", request=request
                )
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The entry has been added.")
                return redirect("reviews:chronology", review.uuid)
    else:
        viewed(request, review, "the chronology")
    entries = review.chronology.select_related("agency")
    return render(
        request,
        "reviews/chronology.html",
        {"review": review, "entries": entries, "form": form if editable else None},
    )


@require_POST
def remove_entry(request: HttpRequest, review_uuid: str, entry_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    entry = review.chronology.filter(uuid=entry_uuid).first()
    if entry is None or not services.can_draft(signed_in_user(request), review):
        raise Http404
    try:
        services.remove_chronology_entry(entry, by=signed_in_user(request), request=request)
    except ReferralError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "The entry has been removed.")
    return redirect("reviews:chronology", review.uuid)


def _import(
    form: ImportForm, review: Review, request: HttpRequest
) -> tuple[HttpResponse | None, list[chronology.RowReport]]:
    """Import a checked file, all or nothing: the page to go to, or None and the rows to correct
    with the form's errors. A long file is handed to a worker, and its progress page answered."""
    upload = form.cleaned_data["file"]
    user = signed_in_user(request)
    try:
        checked = chronology.check(upload, upload.name or "")
        if chronology.in_background(checked):
            made = request_import(review, upload, checked, by=user)
            return redirect("reviews:chronology_import", review.uuid, made.uuid), []
        rows, reports = chronology.read(upload, checked)
    except chronology.ImportRefused as refused:
        form.add_error("file", str(refused))
        return None, []
    if reports:
        needs = "needs" if len(reports) == 1 else "need"
        form.add_error(
            "file",
            f"{plural(len(reports), 'row')} of the file {needs} correcting. "
            "Nothing has been imported.",
        )
    elif not rows:
        form.add_error("file", "The file has no entries under its headings")
    else:
        source = f"imported from {upload.name}"
        try:
            services.add_chronology_entries(review, rows, by=user, source=source, request=request)
        except ReferralError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"Imported {plural(len(rows), 'entry')}.")
            return redirect("reviews:chronology", review.uuid), []
    return None, reports


@require_http_methods(["GET", "POST"])
def import_chronology(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    if not services.can_draft(signed_in_user(request), review):
        raise Http404
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    reports: list[chronology.RowReport] = []
    if request.method == "POST" and form.is_valid():
        done, reports = _import(form, review, request)
        if done is not None:
            return done
    return render(
        request,
        "reviews/import_chronology.html",
        {"review": review, "form": form, "reports": reports, "columns": chronology.COLUMNS},
    )


@require_GET
def chronology_import(request: HttpRequest, review_uuid: str, import_uuid: str) -> HttpResponse:
    """A long import's progress: the page asks again every few seconds until the worker is
    done, then shows the number imported or the rows to correct."""
    review = get_review_for(request, review_uuid)
    made = review.imports.select_related("document").filter(uuid=import_uuid).first()
    if made is None or not services.can_draft(signed_in_user(request), review):
        raise Http404
    reports = [chronology.RowReport(row["number"], row["problems"]) for row in made.problems]
    template = (
        "reviews/_import_status.html" if "partial" in request.GET else "reviews/import_status.html"
    )
    return render(request, template, {"review": review, "made": made, "reports": reports})


class Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def export_chronology(request: HttpRequest, review_uuid: str) -> StreamingHttpResponse:
    review = get_review_for(request, review_uuid)
    record(
        "review.chronology_exported",
        actor=signed_in_user(request),
        target=review,
        summary=f"Exported the chronology of review {review.reference}",
        request=request,
    )
    writer = csv.writer(Echo())
    rows = chronology.export(review.chronology.select_related("agency").iterator())
    # The byte-order mark tells spreadsheets the file is UTF-8 (Seán, Ó Néill).
    lines = chain(["\ufeff"], (writer.writerow(row) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{review.reference}-chronology.csv"'
    return response


@require_GET
def findings(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    viewed(request, review, "the findings")
    sections = review.sections.select_related("updated_by").annotate(
        comment_count=Count("comments")
    )
    return render(request, "reviews/findings.html", {"review": review, "sections": sections})


def get_section_for(
    request: HttpRequest, review_uuid: str, key: str, *, to_draft: bool = False
) -> FindingSection:
    """A findings section the user may see, or (``to_draft``) that the user is on the team to
    draft; 404 otherwise. Whether drafting is still open is the service's to say, so that a
    writer whose review moved on keeps their text."""
    review = get_review_for(request, review_uuid)
    section = review.sections.filter(key=key).select_related("updated_by").first()
    user = signed_in_user(request)
    if section is None or (to_draft and not user.has_perm("reviews.draft_review", review)):
        raise Http404
    section.review = review
    return section


def section_page(
    request: HttpRequest,
    section: FindingSection,
    *,
    text: str,
    conflict: drafting.DraftConflict | None = None,
    comment_form: CommentForm | None = None,
    unsaved: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``unsaved``: why a text was not saved, and the text, shown for the writer to copy."""
    user = signed_in_user(request)
    return render(
        request,
        "reviews/section.html",
        {
            "review": section.review,
            "section": section,
            "text": text,
            "conflict": conflict,
            "editable": services.can_draft(user, section.review),
            "rendered": section.rendered,
            "comments": section.comments.select_related("author"),
            "comment_form": comment_form or CommentForm(),
            "can_comment": user.has_perm("reviews.see_review", section.review),
            "unsaved": unsaved,
        },
        status=status,
    )


def base_version(request: HttpRequest) -> int:
    """The version the text was based on; an "overwrite" says the writer chose their text."""
    try:
        return int(request.POST.get("overwrite") or request.POST.get("base_version", ""))
    except ValueError:
        return -1


def sent_from(request: HttpRequest) -> tuple[str, int]:
    """The page that sent a save and its count of edits (portal.mjs), or ("", 0) for a form
    posted without them (no script) or with values no page of ours sends."""
    page, edit = request.POST.get("page", ""), request.POST.get("edit", "")
    if not (
        0 < len(page) <= drafting.PAGE_ID_LENGTH
        and page.isascii()
        and page.isalnum()
        and edit.isascii()
        and edit.isdigit()
        and 0 < int(edit) <= drafting.MAX_EDIT
    ):
        return "", 0
    return page, int(edit)


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key, to_draft=request.method == "POST")
    if request.method == "GET":
        viewed(request, section.review, f"the findings on '{section.get_key_display()}'")
        return section_page(request, section, text=section.text)
    text = request.POST.get("text", "")
    page, edit = sent_from(request)
    try:
        drafting.save_section(
            section,
            text=text,
            base_version=base_version(request),
            by=signed_in_user(request),
            new_entry="overwrite" in request.POST,
            page=page,
            edit=edit,
            request=request,
        )
    except drafting.DraftConflict as conflict:
        return section_page(request, conflict.section, text=text, conflict=conflict, status=409)
    except ReferralError as error:
        return section_page(request, section, text=section.text, unsaved=(str(error), text))
    messages.success(request, "The section is saved.")
    return redirect("reviews:section", review_uuid, key)


@require_POST
def autosave(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    """Saves as the writer types (htmx). Answers with the status line, or the conflict."""
    section = get_section_for(request, review_uuid, key, to_draft=True)
    page, edit = sent_from(request)
    try:
        saved = drafting.save_section(
            section,
            text=request.POST.get("text", ""),
            base_version=base_version(request),
            by=signed_in_user(request),
            page=page,
            edit=edit,
            request=request,
        )
    except drafting.DraftConflict as conflict:
        return render(
            request, "reviews/_conflict.html", {"conflict": conflict, "section": conflict.section}
        )
    except ReferralError as error:
        return HttpResponse(
            f"Not saved: {error} Your text is kept in this browser tab.", content_type="text/plain"
        )
    return render(request, "reviews/_saved.html", {"section": saved})


@require_POST
def preview(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    get_section_for(request, review_uuid, key, to_draft=True)
    text = request.POST.get("text", "")
    if reason := drafting.too_long(text):
        return HttpResponse(format_html('<p class="govuk-error-message">{}</p>', reason))
    return HttpResponse(drafting.render(text))


@require_GET
def section_history(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key)
    versions = list(section.versions.select_related("author"))
    chosen = next(
        (v for v in versions if str(v.number) == request.GET.get("version")),
        versions[1] if len(versions) > 1 else None,
    )
    viewed(request, section.review, f"the history of '{section.get_key_display()}'")
    return render(
        request,
        "reviews/section_history.html",
        {
            "review": section.review,
            "section": section,
            "versions": versions,
            "chosen": chosen,
            "differences": drafting.differences(chosen.text, section.text) if chosen else [],
            "editable": services.can_draft(signed_in_user(request), section.review),
        },
    )


@require_POST
def restore_version(request: HttpRequest, review_uuid: str, key: str, number: int) -> HttpResponse:
    section = get_section_for(request, review_uuid, key, to_draft=True)
    version = section.versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        drafting.restore(
            version, base_version=base_version(request), by=signed_in_user(request), request=request
        )
    except ReferralError as error:
        messages.info(request, str(error))
        return redirect("reviews:section_history", review_uuid, key)
    messages.success(request, f"Version {number} is the current text again.")
    return redirect("reviews:section", review_uuid, key)


@require_POST
def comment(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key)
    user = signed_in_user(request)
    if not user.has_perm("reviews.see_review", section.review):
        raise Http404
    form = CommentForm(request.POST)
    if not form.is_valid():
        return section_page(request, section, text=section.text, comment_form=form)
    services.add_comment(section, form.cleaned_data["text"], by=user, request=request)
    messages.success(request, "Your comment is added.")
    return redirect("reviews:section", review_uuid, key)


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


@require_GET
def report(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """The draft report: everything the review holds, as one page (its PDF comes with export)."""
    review = get_review_for(request, review_uuid)
    viewed(request, review, "the draft report")
    sections = list(review.sections.all())
    terms = review.terms.prefetch_related("agencies").first()
    return render(
        request,
        "reviews/report.html",
        {
            "review": review,
            "terms": terms,
            "purposes": purpose_labels(terms.purposes if terms else []),
            "entries": review.chronology.select_related("agency"),
            "sections": [(section, section.rendered) for section in sections],
            "recommendations": review.recommendations.prefetch_related("actions__agency"),
        },
    )


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


def exported(request: HttpRequest, review: Review, kind: documents.Kind, size: int) -> None:
    record(
        "review.exported",
        actor=signed_in_user(request),
        target=review,
        summary=f"Exported the {kind.title.lower()} of review {review.reference}",
        changes={"document": kind.slug, "bytes": size},
        request=request,
    )


@require_GET
def export(request: HttpRequest, review_uuid: str, slug: str) -> HttpResponseBase:
    """A review document as a PDF, permission-checked and audited. A long one renders in the
    background, unless the same content was rendered before: then it downloads at once."""
    review = get_review_for(request, review_uuid)
    kind = documents.KINDS.get(slug)
    if kind is None:
        raise Http404
    if not documents.may_go_out(review, kind):
        messages.info(request, "Sign off the checklist before the publication version is made.")
        return redirect("reviews:publication", review.uuid)
    if not kind.long:
        pdf = documents.pdf(review, slug)
        exported(request, review, kind, len(pdf))
        return pdf_response(pdf, documents.filename(kind, review))
    made = request_export(review, slug, by=signed_in_user(request))
    if made.status == ReportExport.Status.READY and made.document is not None:
        exported(request, review, kind, made.document.size)
        return attachment(made.document)
    return redirect("reviews:export_status", review.uuid, made.uuid)


@require_GET
def export_status(request: HttpRequest, review_uuid: str, export_uuid: str) -> HttpResponse:
    """Where a long report is: the page asks again every few seconds until it is ready."""
    review = get_review_for(request, review_uuid)
    made = review.exports.filter(uuid=export_uuid).first()
    if made is None:
        raise Http404
    template = "reviews/_export_status.html" if "partial" in request.GET else "reviews/export.html"
    return render(
        request, template, {"review": review, "made": made, "kind": documents.KINDS[made.slug]}
    )


@require_GET
def export_download(request: HttpRequest, review_uuid: str, export_uuid: str) -> Any:
    review = get_review_for(request, review_uuid)
    made = review.exports.filter(uuid=export_uuid, status=ReportExport.Status.READY).first()
    if made is None or made.document is None:
        raise Http404
    kind = documents.KINDS[made.slug]
    if not documents.may_go_out(review, kind, made):
        raise Http404
    exported(request, review, kind, made.document.size)
    return attachment(made.document)


@require_http_methods(["GET", "POST"])
def publication(request: HttpRequest, review_uuid: str) -> HttpResponse:
    """The anonymised publication version: the pseudonym map, the checklist and its sign-off."""
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    keeps = publishing.may_publish(user, review)
    which = request.POST.get("form")
    adding = PseudonymForm(request.POST if which == "adding" else None)
    signing = SignOffForm(request.POST if which == "signing" else None)
    if request.method == "POST":
        if not keeps:
            raise Http404
        try:
            if "remove" in request.POST:
                number = request.POST["remove"]
                pseudonym = (
                    review.pseudonyms.filter(pk=number).first() if number.isdigit() else None
                )
                if pseudonym is None:
                    raise Http404
                publishing.remove_pseudonym(pseudonym, by=user, request=request)
                messages.success(request, "The pseudonym is removed. Sign off again.")
                return redirect("reviews:publication", review.uuid)
            if adding.is_bound and adding.is_valid():
                publishing.set_pseudonym(review, **adding.cleaned_data, by=user, request=request)
                messages.success(request, "The pseudonym is saved.")
                return redirect("reviews:publication", review.uuid)
            if signing.is_bound and signing.is_valid():
                publishing.sign_off_publication(
                    review, signing.cleaned_data["checks"], by=user, request=request
                )
                messages.success(request, "The publication version is signed off.")
                return redirect("reviews:publication", review.uuid)
        except ReferralError as error:
            (adding if adding.is_bound else signing).add_error(None, str(error))
    else:
        viewed(request, review, "the publication version")
    return render(
        request,
        "reviews/publication.html",
        {
            "review": review,
            "pseudonyms": review.pseudonyms.all(),
            "sign_off": PublicationSignOff.objects.filter(review=review)
            .select_related("signed_off_by")
            .first(),
            "adding": adding if keeps else None,
            "signing": signing if user.has_sbni_role(SbniRole.SBNI_OFFICER) else None,
            # What the pseudonym map still misses, for those who keep it or sign it off.
            "places": documents.publication_places(review)
            if keeps or user.has_sbni_role(SbniRole.SBNI_OFFICER)
            else [],
            "failed": adding if adding.errors else signing if signing.errors else None,
        },
    )
