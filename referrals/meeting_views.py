"""CMR Panel meetings: the agenda, notice, attendance, declarations and recommendations.

SBNI staff and the CMR Panel see every meeting; SBNI officers and the CMR Panel chair run them.
Everyone else gets 404, as for a meeting that does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import posted
from cmr_portal.kernel.pagination import counted_page
from panels.access import signed_in_user
from panels.models import SBNI_STAFF
from referrals import consideration
from referrals.consideration_forms import (
    AgendaForm,
    AttendanceForm,
    DeclarationForm,
    MeetingForm,
    RecommendationForm,
)
from referrals.models import AgendaItem, Meeting, Recommendation, Referral
from referrals.workflow import ReferralError, allowed, runs_meetings


def sees_meetings(request: HttpRequest) -> None:
    if not signed_in_user(request).has_sbni_role(*SBNI_STAFF):
        raise Http404


def runs_meetings_or_404(request: HttpRequest) -> None:
    if not runs_meetings(signed_in_user(request)):
        raise Http404


def get_meeting_for(request: HttpRequest, meeting_uuid: str) -> Meeting:
    sees_meetings(request)
    meeting = Meeting.objects.filter(uuid=meeting_uuid).first()
    if meeting is None:
        raise Http404
    return meeting


def get_item_for(meeting: Meeting, item_uuid: str) -> AgendaItem:
    item = meeting.items.select_related("referral__panel", "meeting").filter(uuid=item_uuid).first()
    if item is None:
        raise Http404
    return item


@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    """Coming meetings (not yet held: see ``MeetingQuerySet.held``), soonest first, then the
    meetings held, latest first, 25 a page."""
    sees_meetings(request)
    today = timezone.localdate()
    coming = Meeting.objects.coming(today).listed().order_by("date", "id")
    past = Meeting.objects.held(today).listed()
    return render(
        request,
        "referrals/meetings.html",
        {
            "coming": coming,
            "page": counted_page(past, request.GET.get("page")),
            "can_schedule": runs_meetings(signed_in_user(request)),
        },
    )


@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    runs_meetings_or_404(request)
    form = MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        meeting = consideration.schedule_meeting(
            date=form.cleaned_data["date"],
            place=form.cleaned_data["place"],
            by=signed_in_user(request),
            request=request,
        )
        messages.success(request, f"The {meeting} has been scheduled.")
        return redirect("referrals:meeting", meeting.uuid)
    return render(request, "referrals/meeting_form.html", {"form": form, "meeting": None})


@require_GET
def meeting(request: HttpRequest, meeting_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    user = signed_in_user(request)
    record(
        "meeting.viewed",
        actor=user,
        target=meeting,
        summary=f"Viewed the {meeting}",
        request=request,
    )
    items = list(
        meeting.items.select_related("referral__panel", "recommendation").prefetch_related(
            "declarations"
        )
    )
    attendances = list(meeting.attendances.select_related("member"))
    today = timezone.localdate()
    runs = runs_meetings(user)
    return render(
        request,
        "referrals/meeting.html",
        {
            "meeting": meeting,
            "items": [(item, consideration.is_late_business(item)) for item in items],
            "notice": consideration.notice(meeting),
            "attendances": attendances,
            "quorum": consideration.quorum(attendances) if attendances else None,
            "can_change": runs,
            "can_add": runs and meeting.date >= today,
            "can_record_attendance": runs and meeting.date <= today,
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, meeting_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    initial = {
        "date": meeting.date,
        "place": meeting.place,
        "notice_given_on": meeting.notice_given_on,
    }
    form = MeetingForm(posted(request), initial=initial, with_notice=True)
    if request.method == "POST" and form.is_valid():
        consideration.update_meeting(
            meeting, form.cleaned_data, by=signed_in_user(request), request=request
        )
        messages.success(request, "The meeting has been saved.")
        return redirect("referrals:meeting", meeting.uuid)
    return render(
        request,
        "referrals/meeting_form.html",
        {"form": form, "meeting": meeting, "notice": consideration.notice(meeting)},
    )


@require_http_methods(["GET", "POST"])
def add_item(request: HttpRequest, meeting_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    waiting = Referral.objects.filter(
        status__in=[Referral.Status.SUBMITTED, Referral.Status.UNDER_CONSIDERATION],
        acknowledged_at__isnull=False,
    ).exclude(agenda_items__meeting=meeting)
    form = AgendaForm(
        posted(request),
        referrals=waiting.select_related("panel").order_by("submitted_at", "id"),
    )
    if request.method == "POST" and form.is_valid():
        referral = form.cleaned_data["referral"]
        try:
            consideration.add_to_agenda(
                meeting, referral, by=signed_in_user(request), request=request
            )
        except ReferralError as error:
            form.add_error("referral", str(error))
        else:
            messages.success(request, f"Referral {referral.reference} is on the agenda.")
            return redirect("referrals:meeting", meeting.uuid)
    return render(request, "referrals/agenda_add.html", {"form": form, "meeting": meeting})


@require_POST
def remove_item(request: HttpRequest, meeting_uuid: str, item_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    item = get_item_for(meeting, item_uuid)
    try:
        consideration.remove_from_agenda(item, by=signed_in_user(request), request=request)
    except ReferralError as error:
        messages.info(request, str(error))
        return redirect("referrals:agenda_item", meeting.uuid, item.uuid)
    messages.success(request, f"Referral {item.referral.reference} is off the agenda.")
    return redirect("referrals:meeting", meeting.uuid)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    recorded = dict(meeting.attendances.values_list("member_id", "status"))
    form = AttendanceForm(
        posted(request), members=consideration.cmr_panel_members(), recorded=recorded
    )
    if request.method == "POST" and form.is_valid():
        try:
            quorum = consideration.record_attendance(
                meeting, form.statuses(), by=signed_in_user(request), request=request
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            if quorum.is_quorate:
                messages.success(request, "Attendance has been saved. The meeting was quorate.")
            else:
                messages.warning(
                    request,
                    "Attendance has been saved. The meeting was not quorate: this stays on the "
                    "record beside its recommendations.",
                )
            return redirect("referrals:meeting", meeting.uuid)
    return render(
        request,
        "referrals/attendance.html",
        {"form": form, "meeting": meeting, "quorum_share": settings.CMR_PANEL_QUORUM},
    )


@require_GET
def agenda_item(request: HttpRequest, meeting_uuid: str, item_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    item = get_item_for(meeting, item_uuid)
    user = signed_in_user(request)
    record(
        "referral.agenda_item_viewed",
        actor=user,
        target=item.referral,
        summary=f"Viewed referral {item.referral.reference} on the agenda of the {meeting}",
        request=request,
    )
    recommendation = (
        Recommendation.objects.filter(item=item).select_related("learning_route").first()
    )
    declarations = list(item.declarations.select_related("member"))
    open_item = runs_meetings(user) and recommendation is None
    considered = item.referral.status == Referral.Status.UNDER_CONSIDERATION
    return render(
        request,
        "referrals/agenda_item.html",
        {
            "meeting": meeting,
            "item": item,
            "is_late": consideration.is_late_business(item),
            "declarations": declarations,
            "recommendation": recommendation,
            "can_declare": open_item and considered,
            "can_recommend": open_item and considered,
            "can_remove": open_item and not declarations,
        },
    )


@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, meeting_uuid: str, item_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    item = get_item_for(meeting, item_uuid)
    form = DeclarationForm(posted(request), members=consideration.cmr_panel_members())
    if request.method == "POST" and form.is_valid():
        try:
            consideration.declare_interest(
                item, **form.cleaned_data, by=signed_in_user(request), request=request
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The declaration of interest has been recorded.")
            return redirect("referrals:agenda_item", meeting.uuid, item.uuid)
    return render(
        request, "referrals/declare.html", {"form": form, "meeting": meeting, "item": item}
    )


@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, meeting_uuid: str, item_uuid: str) -> HttpResponse:
    meeting = get_meeting_for(request, meeting_uuid)
    runs_meetings_or_404(request)
    item = get_item_for(meeting, item_uuid)
    referral = item.referral
    if request.method == "GET" and (
        Recommendation.objects.filter(item=item).exists()
        or not allowed(referral, "recommend", signed_in_user(request))
    ):
        messages.info(request, "There is no recommendation to record on this item now.")
        return redirect("referrals:agenda_item", meeting.uuid, item.uuid)
    form = RecommendationForm(posted(request), referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            consideration.recommend(
                item,
                form.cleaned_data,
                by=signed_in_user(request),
                seen=request.POST.get("seen"),
                request=request,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
            referral.refresh_from_db(fields=["status"])
        else:
            messages.success(
                request,
                f"The recommendation on {referral.reference} is recorded. The SBNI Chair has "
                "been told.",
            )
            return redirect("referrals:agenda_item", meeting.uuid, item.uuid)
    return render(
        request,
        "referrals/recommend.html",
        {
            "form": form,
            "meeting": meeting,
            "item": item,
            "referral": referral,
            "seen": referral.status,
        },
    )
