"""Referral pages: start, the sections, check your answers, send, the list, the history."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import DocumentRefused, attachment
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.pagination import ForwardPage, counted_page, forward_page
from cmr_portal.kernel.pdf import html_to_pdf, pdf_response, render_html
from cmr_portal.kernel.working_days import add_working_days
from panels.access import signed_in_user
from panels.models import SBNI_STAFF, Membership, Panel, SbniRole
from referrals import deadlines, proceedings, services
from referrals.access import get_panel_referral_for, get_referral_for, sees_who_viewed
from referrals.deadlines import IN_HAND
from referrals.forms import (
    SECTIONS,
    SECTIONS_BY_SLUG,
    AgencyInvolvementForm,
    AnswerForm,
    DocumentForm,
    EventDateFilterForm,
    InformationRequestForm,
    SiblingForm,
    SubmitForm,
    WithdrawForm,
    answers,
)
from referrals.models import AgencyInvolvement, Outcome, Referral, Sibling, Timescale
from referrals.notices import reads_notices
from referrals.workflow import ReferralError, allowed

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 50
SORTS = {
    "newest": "-created_at",
    "oldest": "created_at",
    "reference": "reference",
    "sent": "-submitted_at",
}


def not_a_draft(request: HttpRequest, referral: Referral) -> HttpResponse:
    """Back to the overview of a referral that is no longer a draft, saying why (sent, or
    withdrawn and when)."""
    messages.info(request, referral.why_unchangeable)
    return redirect("referrals:overview", referral.uuid)


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    referrals = Referral.objects.visible_to(user).select_related("panel")
    filters = {
        "status": request.GET.get("status", ""),
        "event_type": request.GET.get("event_type", ""),
        "indicator": request.GET.get("indicator", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["status"] in Referral.Status.values:
        referrals = referrals.filter(status=filters["status"])
    if filters["event_type"] in Referral.EventType.values:
        referrals = referrals.filter(event_type=filters["event_type"])
    if filters["indicator"] in Referral.Indicator.values:
        referrals = referrals.filter(regulation_17_indicator=filters["indicator"])
    if filters["q"]:
        referrals = referrals.filter(
            Q(reference__icontains=filters["q"]) | Q(child_initials__iexact=filters["q"])
        )
    # A date with an error filters nothing; the other filters still apply.
    dates = EventDateFilterForm(request.GET)
    dates.is_valid()
    for name, lookup in (("event_from", "event_date__gte"), ("event_to", "event_date__lte")):
        if day := dates.cleaned_data.get(name):
            referrals = referrals.filter(**{lookup: day})
    sort = request.GET.get("sort", "newest")
    referrals = referrals.order_by(SORTS.get(sort, SORTS["newest"]), "-id")
    page = counted_page(referrals, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "query": query.urlencode(),
            "statuses": Referral.Status.choices,
            "event_types": Referral.EventType.choices,
            "indicators": Referral.Indicator.choices,
            "can_start": Panel.objects.visible_to(user, "log_referral").exists(),
            "dates": dates,
        },
    )


@require_http_methods(["GET", "POST"])
def start_referral(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    panels = list(Panel.objects.visible_to(user, "log_referral"))
    if not panels:
        raise Http404
    error = ""
    if request.method == "POST":
        chosen = next((p for p in panels if p.code == request.POST.get("panel")), None)
        if chosen is None and len(panels) == 1:
            chosen = panels[0]
        if chosen is not None:
            referral = services.create_referral(chosen, by=user, request=request)
            return redirect("referrals:overview", referral.uuid)
        error = "Select the panel the referral is from"
    return render(request, "referrals/start.html", {"panels": panels, "error": error})


@require_GET
def overview(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    record(
        "referral.viewed",
        actor=user,
        target=referral,
        summary=f"Viewed referral {referral.reference}",
        request=request,
    )
    is_editable = referral.status == Referral.Status.DRAFT and user.has_perm(
        "panels.log_referral", referral.panel
    )
    sections = [(section, section.state(referral)) for section in SECTIONS]
    siblings = list(referral.siblings.all())
    agencies = list(referral.agencies.select_related("agency"))
    attached = list(referral.documents.select_related("document"))
    # The questions come with the referral (get_referral_for); their documents are among its own.
    questions = [
        (asked, [each for each in attached if each.information_request_id == asked.pk])
        for asked in referral.questions  # type: ignore[attr-defined]
    ]
    waiting = any(asked.answered_at is None for asked, _ in questions)
    # The CMR Panel's deliberations are the SBNI's: the panel sees the decision and its reasons.
    items = (
        list(
            referral.agenda_items.select_related(
                "meeting", "recommendation__learning_route", "recommendation__item__meeting"
            ).prefetch_related("declarations__member")
        )
        if user.has_sbni_role(*SBNI_STAFF)
        else []
    )
    return render(
        request,
        "referrals/overview.html",
        {
            "referral": referral,
            "sections": sections,
            "answers": answers(referral),
            "siblings": siblings,
            "agencies": agencies,
            "attached": [each for each in attached if each.information_request_id is None],
            "questions": questions,
            "items": items,
            "decision": referral.current_decision
            if referral.status == Referral.Status.DECIDED
            else None,
            "can_answer": waiting and user.has_perm("panels.log_referral", referral.panel),
            "can_ask": allowed(referral, "request_information", user),
            "is_editable": is_editable,
            "sees_viewers": sees_who_viewed(user, referral.panel),
            "reads_notices": reads_notices(user),
            "sees_proceedings": proceedings.sees_all(user),
            "ready": all(state == "Completed" for _, state in sections) and bool(agencies),
            "can_withdraw": allowed(referral, "withdraw", user),
            "can_acknowledge": referral.acknowledged_at is None
            and allowed(referral, "acknowledge", user),
            "can_decide": allowed(referral, "decide", user),
            "can_amend": allowed(referral, "amend_decision", user),
            "deadline": deadlines.next_deadline(referral),
        },
    )


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, referral_uuid: str, slug: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    part = SECTIONS_BY_SLUG.get(slug)
    if part is None:
        raise Http404
    if referral.status != Referral.Status.DRAFT:
        return not_a_draft(request, referral)
    form = part.form(posted(request), instance=referral)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in part.fields}
        try:
            services.update_referral(referral, values, by=signed_in_user(request), request=request)
        except services.SubmissionIncomplete as refused:
            for field, message in refused.problems.items():
                form.add_error(field if field in form.fields else None, message)
        except ReferralError:
            return not_a_draft(request, referral)
        else:
            messages.success(request, f"{part.title}: saved.")
            return redirect("referrals:overview", referral.uuid)
    return render(
        request, "referrals/section.html", {"referral": referral, "section": part, "form": form}
    )


@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    if referral.status != Referral.Status.DRAFT:
        return not_a_draft(request, referral)
    form = SubmitForm(posted(request))
    problems = services.submission_problems(referral)
    if request.method == "GET":
        record(
            "referral.viewed",
            actor=signed_in_user(request),
            target=referral,
            summary=f"Checked the answers of referral {referral.reference}",
            request=request,
        )
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            services.submit_referral(referral, by=signed_in_user(request), request=request)
        except services.SubmissionIncomplete as refused:
            problems = refused.problems
        except ReferralError:
            return not_a_draft(request, referral)
        else:
            return redirect("referrals:sent", referral.uuid)
    pages = {name: part.slug for part in SECTIONS for name in part.fields} | {
        "agencies": "agencies"
    }
    return render(
        request,
        "referrals/check_answers.html",
        {
            "referral": referral,
            "form": form,
            "answers": answers(referral),
            "siblings": referral.siblings.all(),
            "agencies": referral.agencies.select_related("agency"),
            "attached": referral.documents.select_related("document"),
            "problems": [
                (
                    message,
                    f"{reverse('referrals:overview', args=[referral.uuid])}{pages[f]}/",
                )
                for f, message in problems.items()
            ],
        },
    )


@require_GET
def sent(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_referral_for(request, referral_uuid)
    if referral.status == Referral.Status.DRAFT:
        return redirect("referrals:overview", referral.uuid)
    return render(request, "referrals/sent.html", {"referral": referral})


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_referral(
                referral,
                reason=form.cleaned_data["reason"],
                by=signed_in_user(request),
                seen=request.POST.get("seen"),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
            referral.refresh_from_db(fields=["status"])
        else:
            messages.success(request, f"Referral {referral.reference} has been withdrawn.")
            return redirect("referrals:overview", referral.uuid)
    return render(
        request,
        "referrals/withdraw.html",
        {"referral": referral, "form": form, "seen": referral.status},
    )


@dataclass(frozen=True)
class Repeatable:
    """A part of the referral that holds a list: siblings, or the agencies involved."""

    title: str
    model: type[services.ReferralPart]
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    related: str
    template: str


REPEATABLES = {
    "siblings": Repeatable("Siblings", Sibling, SiblingForm, "siblings", "referrals/siblings.html"),
    "agencies": Repeatable(
        "Agencies involved",
        AgencyInvolvement,
        AgencyInvolvementForm,
        "agencies",
        "referrals/agencies.html",
    ),
}


@require_http_methods(["GET", "POST"])
def repeatable(request: HttpRequest, referral_uuid: str, part: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    kind = REPEATABLES[part]
    if referral.status != Referral.Status.DRAFT:
        return not_a_draft(request, referral)
    form = kind.form(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_part(
                referral, kind.model, form.cleaned_data, by=signed_in_user(request), request=request
            )
        except ReferralError:
            return not_a_draft(request, referral)
        messages.success(request, f"{kind.title}: added.")
        return redirect(request.path)
    items = getattr(referral, kind.related).all()
    return render(
        request,
        kind.template,
        {"referral": referral, "form": form, "items": items, "title": kind.title, "part": part},
    )


@require_POST
def remove_repeatable(
    request: HttpRequest, referral_uuid: str, part: str, item_uuid: str
) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    kind = REPEATABLES[part]
    item = getattr(referral, kind.related).filter(uuid=item_uuid).first()
    if item is None:
        raise Http404
    try:
        services.remove_part(item, by=signed_in_user(request), request=request)
    except ReferralError:
        return not_a_draft(request, referral)
    messages.success(request, f"{kind.title}: removed.")
    return redirect(f"referrals:{part}", referral.uuid)


@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    if referral.status != Referral.Status.DRAFT:
        return not_a_draft(request, referral)
    form = DocumentForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                referral,
                form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=signed_in_user(request),
                request=request,
            )
        except DocumentRefused as refused:
            form.add_error("file", str(refused))
        except ReferralError:
            return not_a_draft(request, referral)
        else:
            messages.success(request, "The document has been uploaded.")
            return redirect("referrals:documents", referral.uuid)
    attached = referral.documents.select_related("document")
    return render(
        request,
        "referrals/documents.html",
        {"referral": referral, "form": form, "attached": attached},
    )


def get_document_for(request: HttpRequest, referral: Referral, document_uuid: str) -> Any:
    attached = (
        referral.documents.select_related("document", "referral").filter(uuid=document_uuid).first()
    )
    if attached is None:
        raise Http404
    return attached


@require_POST
def remove_document(request: HttpRequest, referral_uuid: str, document_uuid: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    attached = get_document_for(request, referral, document_uuid)
    try:
        services.remove_document(attached, by=signed_in_user(request), request=request)
    except ReferralError:
        messages.info(request, "Documents can be removed only while the referral is a draft.")
        return redirect("referrals:overview", referral.uuid)
    messages.success(request, "The document has been removed.")
    return redirect("referrals:documents", referral.uuid)


@require_GET
def download_document(request: HttpRequest, referral_uuid: str, document_uuid: str) -> FileResponse:
    referral = get_referral_for(request, referral_uuid)
    attached = get_document_for(request, referral, document_uuid)
    services.record_download(attached, by=signed_in_user(request), request=request)
    return attachment(attached.document)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The SBNI's queue: every referral in its hands, its age and next deadline."""
    user = signed_in_user(request)
    if not user.has_sbni_role(*SBNI_STAFF):
        raise Http404
    referrals = (
        Referral.objects.visible_to(user)
        # What the queue shows and the deadlines need: not the whole referral.
        .only("uuid", "reference", "status", "submitted_at", "acknowledged_at", "due_on")
        .order_by("submitted_at", "id")
    )
    panel = request.GET.get("panel", "")
    status = request.GET.get("status", "")
    overdue_only = request.GET.get("overdue") == "yes"
    if panel:
        referrals = referrals.filter(panel__code=panel)
    if status in IN_HAND:
        referrals = referrals.filter(status=status)
    today = timezone.localdate()
    page: Page[Any] | ForwardPage
    if overdue_only:
        # Through the index of the clocks running, oldest first, passing over in the index those
        # not overdue: the database reads only the rows the page shows, whatever the number in
        # hand. A due date is stored only while the referral is in the SBNI's hands; saying so
        # again (the status) would lead the planner to another index and a sort of them all.
        overdue = referrals.filter(due_on__lt=today)
        page = forward_page(overdue, request.GET.get("page"), QUEUE_PAGE_SIZE)
    else:
        in_hand = referrals.filter(status__in=IN_HAND)
        page = counted_page(in_hand, request.GET.get("page"), QUEUE_PAGE_SIZE)
    rows = [
        (
            referral,
            deadlines.age_in_working_days(referral, today),
            deadlines.next_deadline(referral, today),
        )
        for referral in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "panels": Panel.objects.order_by("name").values_list("code", "name"),
            "statuses": [(value, Referral.Status(value).label) for value in IN_HAND],
            "filters": {"panel": panel, "status": status, "overdue": overdue_only},
        },
    )


@require_POST
def acknowledge(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not user.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise Http404
    try:
        services.acknowledge_referral(referral, by=user, request=request)
    except ReferralError as error:
        messages.info(request, str(error))
    else:
        messages.success(
            request, f"Referral {referral.reference} acknowledged. The panel has been told."
        )
    return redirect("referrals:overview", referral.uuid)


@require_http_methods(["GET", "POST"])
def request_information(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not user.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise Http404
    targets = deadlines.timescales()
    answer_days = targets[Timescale.Step.INFORMATION_ANSWER].working_days
    suggested = add_working_days(timezone.localdate(), answer_days)
    form = InformationRequestForm(posted(request), suggested_due=suggested)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                referral,
                question=form.cleaned_data["question"],
                due_date=form.cleaned_data["due_date"],
                by=user,
                seen=request.POST.get("seen"),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
            referral.refresh_from_db(fields=["status"])
        else:
            messages.success(request, "The question has been sent. The panel has been told.")
            return redirect("referrals:overview", referral.uuid)
    return render(
        request,
        "referrals/request_information.html",
        {"referral": referral, "form": form, "seen": referral.status},
    )


@require_http_methods(["GET", "POST"])
def answer_request(request: HttpRequest, referral_uuid: str, request_uuid: str) -> HttpResponse:
    referral = get_panel_referral_for(request, referral_uuid)
    asked = referral.information_requests.filter(uuid=request_uuid).first()
    if asked is None:
        raise Http404
    form = AnswerForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_information_request(
                asked,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["documents"],
                by=signed_in_user(request),
                request=request,
            )
        except (ReferralError, DocumentRefused) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your answer has been sent to the SBNI.")
            return redirect("referrals:overview", referral.uuid)
    return render(
        request,
        "referrals/answer_request.html",
        {"referral": referral, "asked": asked, "form": form},
    )


def letter_context(referral: Referral) -> dict[str, Any]:
    decision = referral.current_decision
    if decision is None:
        raise Http404
    chair = (
        Membership.objects.filter(panel=referral.panel, role=Membership.Role.CHAIR)
        .select_related("user")
        .first()
    )
    return {
        "referral": referral,
        "reference": referral.reference,
        "title": f"Decision on referral {referral.reference}",
        "decision": decision,
        "earlier": referral.decisions.filter(is_current=False)
        .exclude(outcome=Outcome.MORE_INFORMATION)
        .select_related("learning_route")
        .order_by("-decided_at"),
        "chair": chair.user if chair else None,
    }


@require_GET
def decision_letter(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    """The SBNI Chair's decision as a letter to the panel, with any amendments."""
    referral = get_referral_for(request, referral_uuid)
    context = letter_context(referral)
    record(
        "referral.decision_viewed",
        actor=signed_in_user(request),
        target=referral,
        summary=f"Viewed the decision letter on referral {referral.reference}",
        request=request,
    )
    return render(request, "referrals/decision_letter.html", context)


EXPORTS = {
    "summary": ("referral summary", "pdf/referral_summary.html"),
    "decision-letter": ("decision letter", "pdf/decision_letter.html"),
}


@require_GET
def export(request: HttpRequest, referral_uuid: str, slug: str) -> HttpResponse:
    """The referral summary or the decision letter as a PDF, permission-checked and audited."""
    referral = get_referral_for(request, referral_uuid)
    if slug not in EXPORTS:
        raise Http404
    name, template = EXPORTS[slug]
    context: dict[str, Any] = (
        letter_context(referral)
        if slug == "decision-letter"
        else {
            "referral": referral,
            "reference": referral.reference,
            "title": f"Referral {referral.reference}",
            "answers": answers(referral),
            "agencies": referral.agencies.select_related("agency"),
            "siblings": referral.siblings.all(),
        }
    )
    pdf = html_to_pdf(render_html(template, context))
    record(
        "referral.exported",
        actor=signed_in_user(request),
        target=referral,
        summary=f"Exported the {name} of referral {referral.reference}",
        changes={"document": slug, "bytes": len(pdf)},
        request=request,
    )
    return pdf_response(pdf, f"{referral.reference}-{slug}.pdf")
