"""The review's documents: the draft report page, the PDF exports (a long one made by a worker,
with its status page and download) and the anonymised publication version with its pseudonym map
and sign-off."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.pdf import pdf_response
from panels.access import signed_in_user
from panels.models import SbniRole
from referrals.notices import reads_notices
from referrals.proceedings import embargoes, held_because
from referrals.workflow import ReferralError
from reviews import documents, family, publishing
from reviews.forms import PseudonymForm, SignOffForm
from reviews.models import PublicationSignOff, ReportExport, Review
from reviews.tasks import request_export
from reviews.views.common import get_review_for, purpose_labels, viewed


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
    if kind.anonymised and (held := embargoes(review.referral)):
        messages.info(request, f"{held_because(held)}.")
        return redirect("reviews:publication", review.uuid)
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
    held = embargoes(review.referral)
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
            "reads_notices": reads_notices(user),
            "family_check": family.publication_check(review),
            "held": held_because(held) if held else "",
        },
    )
