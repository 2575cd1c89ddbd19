"""The log of notifications to outside bodies on a referral, for SBNI staff: the log, "Record a
notification", the decision letter to each agency involved, and a letter kept as sent."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import attachment
from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from referrals import notices
from referrals.access import get_sbni_referral_for
from referrals.letters import letter_page, letter_pdf
from referrals.models import Referral
from referrals.notice_forms import NoticeForm
from referrals.workflow import ReferralError


@require_GET
def notifications(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    """Who outside the portal has been told of the referral, and the letters to make."""
    referral = get_sbni_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    record(
        "referral.notifications_viewed",
        actor=user,
        target=referral,
        summary=f"Viewed the notifications to outside bodies of referral {referral.reference}",
        request=request,
    )
    decided = referral.status == Referral.Status.DECIDED
    return render(
        request,
        "referrals/notifications.html",
        {
            "referral": referral,
            "notifications": notices.log(referral),
            "agencies": notices.agencies_involved(referral) if decided else [],
            "decided": decided,
            "records": notices.records_notices(user),
        },
    )


@require_http_methods(["GET", "POST"])
def record_notification(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    """Record a notification of any kind, for an SBNI officer."""
    referral = get_sbni_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not notices.records_notices(user):
        raise Http404
    form = NoticeForm(posted(request), referral=referral, by=user)
    if request.method == "POST" and form.is_valid():
        try:
            notified = notices.record_notification(
                referral, form.values(), by=user, request=request
            )
        except notices.NoticeRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, f"The notification to {notified.body} is recorded.")
            return redirect("referrals:notifications", referral.uuid)
    return render(
        request, "referrals/record_notification.html", {"referral": referral, "form": form}
    )


def _decision_letter(
    request: HttpRequest, referral_uuid: str, involvement_uuid: str
) -> notices.Letter:
    """The decision letter to an agency involved; 404 for one not involved, or before the
    decision (the log page offers no letter then)."""
    referral = get_sbni_referral_for(request, referral_uuid)
    involvement = referral.agencies.select_related("agency").filter(uuid=involvement_uuid).first()
    if involvement is None:
        raise Http404
    try:
        return notices.decision_letter(involvement)
    except ReferralError as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def decision_letter(
    request: HttpRequest, referral_uuid: str, involvement_uuid: str
) -> HttpResponse:
    letter = _decision_letter(request, referral_uuid, involvement_uuid)
    return letter_page(
        request,
        letter,
        back=reverse("referrals:notifications", args=[referral_uuid]),
        pdf=reverse("referrals:decision_letter_pdf", args=[referral_uuid, involvement_uuid]),
    )


@require_GET
def decision_letter_pdf(
    request: HttpRequest, referral_uuid: str, involvement_uuid: str
) -> HttpResponse:
    return letter_pdf(request, _decision_letter(request, referral_uuid, involvement_uuid))


@require_GET
def sent_letter(request: HttpRequest, referral_uuid: str, notification_uuid: str) -> FileResponse:
    """A letter as it was sent, kept with its notification: audited as a download."""
    referral = get_sbni_referral_for(request, referral_uuid)
    notified = notices.log(referral).filter(uuid=notification_uuid, letter__isnull=False).first()
    if notified is None or notified.letter is None:
        raise Http404
    record(
        "referral.letter_downloaded",
        actor=signed_in_user(request),
        target=referral,
        summary=f"Downloaded the letter sent to {notified.body} on referral {referral.reference}",
        changes={"notification": str(notified.uuid), "document": str(notified.letter.uuid)},
        request=request,
    )
    return attachment(notified.letter)
