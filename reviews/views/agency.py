"""Agency information: the lead reviewer's requests to agencies, the contact's reply with its
report and chronology, their acceptance, and the download of either file."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.models import Document
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from referrals.workflow import ReferralError
from reviews import services
from reviews.forms import AgencyReportForm, SendReportForm
from reviews.models import AgencyReport, Review
from reviews.views.common import get_review_for, viewed


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
