"""A letter's pages, shared by the referral's decision letters and the review's notice of
publication (``reviews.views.notices``): the letter previewed with the form that records it as
sent, and its PDF. Each is audited on the referral, naming the body the letter goes to."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.pdf import pdf_response
from panels.access import signed_in_user
from referrals import notices
from referrals.notice_forms import LetterSentForm


def letter_page(
    request: HttpRequest, letter: notices.Letter, *, back: str, pdf: str
) -> HttpResponse:
    """The letter as it reads today, its PDF (``pdf``) and, for an SBNI officer, "Record it as
    sent", which keeps the letter as sent and logs the notification. ``back`` is the page the
    letter was made from. Only SBNI staff read it (404 otherwise); only officers record."""
    user = signed_in_user(request)
    referral = letter.referral
    if not notices.reads_notices(user):
        raise Http404
    records = notices.records_notices(user)
    if request.method == "POST" and not records:
        raise Http404
    form = LetterSentForm(posted(request), by=user)
    if request.method == "POST" and form.is_valid():
        try:
            notices.record_notification(
                referral, form.values(letter), by=user, letter=letter, request=request
            )
        except notices.NoticeRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, f"The {letter.name} to {letter.to} is recorded as sent.")
            return redirect("referrals:notifications", referral.uuid)
    if request.method == "GET":
        record(
            "referral.letter_viewed",
            actor=user,
            target=referral,
            summary=f"Viewed the {letter.name} to {letter.to} of referral {referral.reference}",
            request=request,
        )
    context = letter.page_context(dated=timezone.localdate(), signed_by=user)
    return render(
        request,
        "referrals/letter.html",
        {
            **context,
            "letter": letter,
            "form": form if records else None,
            "back": back,
            "pdf": pdf,
        },
    )


def letter_pdf(request: HttpRequest, letter: notices.Letter) -> HttpResponse:
    """The letter as a PDF, dated today and signed by the person making it: for SBNI staff,
    audited as an export."""
    user = signed_in_user(request)
    if not notices.reads_notices(user):
        raise Http404
    made = letter.pdf(dated=timezone.localdate(), signed_by=user)
    record(
        "referral.letter_exported",
        actor=user,
        target=letter.referral,
        summary=f"Exported the {letter.name} to {letter.to} of referral "
        f"{letter.referral.reference}",
        changes={"document": letter.slug, "bytes": len(made)},
        request=request,
    )
    return pdf_response(made, letter.filename)
