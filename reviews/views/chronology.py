"""The review's chronology: entries typed in, corrected or removed, a file imported all or
nothing (a long one by a worker, with its progress page), and the whole chronology exported as
CSV."""

import csv
from itertools import chain

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.words import counted
from panels.access import signed_in_user
from referrals.workflow import ReferralError
from reviews import chronology, services
from reviews.forms import ChronologyEntryForm, ImportForm
from reviews.models import Review
from reviews.tasks import request_import
from reviews.views.common import get_review_for, viewed


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


@require_http_methods(["GET", "POST"])
def change_entry(request: HttpRequest, review_uuid: str, entry_uuid: str) -> HttpResponse:
    """Correct one entry with the form that adds them: the review team, while drafting."""
    review = get_review_for(request, review_uuid)
    user = signed_in_user(request)
    entry = review.chronology.select_related("agency").filter(uuid=entry_uuid).first()
    if entry is None or not services.can_draft(user, review):
        raise Http404
    form = ChronologyEntryForm(posted(request), instance=entry, button="Save the entry")
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_chronology_entry(entry, form.cleaned_data, by=user, request=request)
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The entry has been saved.")
                return redirect("reviews:chronology", review.uuid)
    else:
        viewed(request, review, f"the chronology entry of {entry.date:%-d %B %Y}")
    return render(
        request, "reviews/chronology_entry.html", {"review": review, "entry": entry, "form": form}
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
        wrong = counted(len(reports), "row of the file needs", "rows of the file need")
        form.add_error("file", f"{wrong} correcting. Nothing has been imported.")
    elif not rows:
        form.add_error("file", "The file has no entries under its headings")
    else:
        source = f"imported from {upload.name}"
        try:
            services.add_chronology_entries(review, rows, by=user, source=source, request=request)
        except ReferralError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"Imported {counted(len(rows), 'entry')}.")
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
