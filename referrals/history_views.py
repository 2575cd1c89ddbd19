"""A referral's history as people read it: its changes with the form's labels and the values
before and after, a long text's changes line by line, and who has viewed it."""

from collections.abc import Callable, Mapping

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cmr_portal.kernel.audit.history import (
    Described,
    comparison,
    described,
    form_labels,
    history_page,
    of,
    viewings,
)
from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.audit.services import record
from panels.access import signed_in_user
from panels.models import SBNI_STAFF, User
from referrals import consideration, notices, proceedings
from referrals.access import get_referral_for, sees_who_viewed
from referrals.forms import SECTIONS, AgencyInvolvementForm, SiblingForm
from referrals.models import (
    AgencyInvolvement,
    Decision,
    Declaration,
    InformationRequest,
    Meeting,
    Proceeding,
    Recommendation,
    Referral,
    Sibling,
)
from referrals.proceeding_forms import ProceedingForm

STATUS = {"status": Referral._meta.get_field("status")}
# The fields each kind of event may name, labelled as the forms label them; anything else is
# the referral's own fields (its sections' questions, its status).
REFERRAL = described(
    Referral,
    form_labels(*(section.form for section in SECTIONS)) | {"reason": "Reason for withdrawing"},
    extra={"reason": Referral._meta.get_field("withdrawal_reason")},
)
DECISION = described(
    Decision,
    {
        "reason": "Reason for the amendment",
        "recommended": "The CMR Panel's recommendation",
        "learning_route": "Learning route",
    },
    extra={
        **STATUS,
        "reason": Decision._meta.get_field("amendment_reason"),
        "recommended": Decision._meta.get_field("outcome"),
    },
)
PROCEEDING = described(
    Proceeding,
    form_labels(ProceedingForm) | {"embargo_lift_reason": "Reason for lifting the embargo"},
)
FIELDS: dict[str, dict[str, Described]] = {
    **dict.fromkeys(proceedings.EVENTS, PROCEEDING),
    "referral.sibling_added": described(Sibling, form_labels(SiblingForm)),
    "referral.agencyinvolvement_added": described(
        AgencyInvolvement, form_labels(AgencyInvolvementForm)
    ),
    "referral.information_requested": described(
        InformationRequest, {"due_date": "Answer due by"}, extra=STATUS
    ),
    "referral.interest_declared": described(Declaration),
    "referral.recommended": described(
        Recommendation,
        {"quorate": "Was the meeting quorate?"},
        extra={**STATUS, "quorate": Meeting._meta.get_field("is_quorate")},
    ),
    "referral.decided": DECISION,
    "referral.more_information_needed": DECISION,
    "referral.decision_amended": DECISION,
}


def fields_for(action: str) -> Mapping[str, Described]:
    """The fields an event of ``action`` may name, with their labels."""
    return FIELDS.get(action, REFERRAL)


def fields_seen_by(user: User) -> Callable[[str], Mapping[str, Described]]:
    """``fields_for`` as ``user`` may read it: the CMR Panel's recommendation, which a decision's
    events name, is the SBNI's own, as on the overview and in the decision letter."""
    if user.has_sbni_role(*SBNI_STAFF):
        return fields_for
    return lambda action: {
        key: field for key, field in fields_for(action).items() if key != "recommended"
    }


def events_for(user: User, referral: Referral) -> QuerySet[AuditEvent]:
    """The referral's audit events that ``user`` may read: the CMR Panel's deliberations and
    the notifications to outside bodies and the parallel proceedings are the SBNI's own."""
    events = of(referral)
    if not user.has_sbni_role(*SBNI_STAFF):
        events = events.exclude(
            action__in=(*consideration.DELIBERATIONS, *notices.AUDITED, *proceedings.EVENTS)
        )
    return events


@require_GET
def history(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    """What has been done to the referral, newest first, without the views."""
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    page, entries = history_page(
        events_for(user, referral), fields_seen_by(user), request.GET.get("page")
    )
    record(
        "referral.history_viewed",
        actor=user,
        target=referral,
        summary=f"Viewed the history of referral {referral.reference}",
        request=request,
    )
    return render(
        request,
        "referrals/history.html",
        {
            "referral": referral,
            "page": page,
            "entries": entries,
            "compare_url": reverse("referrals:history", args=[referral.uuid]),
            "sees_viewers": sees_who_viewed(user, referral.panel),
        },
    )


@require_GET
def history_change(request: HttpRequest, referral_uuid: str, key: str, number: int) -> HttpResponse:
    """The ``number``-th change of one of the referral's long texts, line by line."""
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    compared = comparison(events_for(user, referral), key, number, fields_seen_by(user))
    if compared is None:
        raise Http404
    record(
        "referral.history_viewed",
        actor=user,
        target=referral,
        summary=f"Viewed a change of the referral {referral.reference} line by line",
        request=request,
    )
    return render(
        request,
        "referrals/history_change.html",
        {
            "referral": referral,
            "comparison": compared,
            "key": key,
            "compare_url": reverse("referrals:history", args=[referral.uuid]),
        },
    )


@require_GET
def viewers(request: HttpRequest, referral_uuid: str) -> HttpResponse:
    """Who has viewed the referral, one line per person per day, for SBNI staff and the
    panel's chair; 404 for anyone else."""
    referral = get_referral_for(request, referral_uuid)
    user = signed_in_user(request)
    if not sees_who_viewed(user, referral.panel):
        raise Http404
    page = viewings(events_for(user, referral), request.GET.get("page"))
    record(
        "referral.viewers_viewed",
        actor=user,
        target=referral,
        summary=f"Viewed who has viewed referral {referral.reference}",
        request=request,
    )
    return render(request, "referrals/viewers.html", {"referral": referral, "page": page})
