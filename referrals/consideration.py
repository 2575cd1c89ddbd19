"""The SBNI's consideration of a referral: CMR Panel meetings, recommendations and decisions.

Each change is one function with its audit event and its notifications. Opening a review when a
CMR is required belongs to the reviews app, which calls ``record_decision`` and
``amend_decision`` and opens or closes the review in the same transaction.
"""

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.notifications.services import notify
from panels.models import SbniRole, User
from referrals.models import (
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    LearningRoute,
    Meeting,
    Outcome,
    Recommendation,
    Referral,
)
from referrals.services import panel_members, sbni_officers
from referrals.workflow import ReferralError, begin, move, runs_meetings

CMR_PANEL_ROLES = (SbniRole.CMR_PANEL_MEMBER, SbniRole.CMR_PANEL_CHAIR)
# Audit events on a referral about the CMR Panel's work, which the referring panel does not see.
DELIBERATIONS = (
    "referral.interest_declared",
    "referral.agenda_item_viewed",
    "referral.recommended",
)


def cmr_panel_members() -> QuerySet[User]:
    return (
        User.objects.filter(groups__name__in=CMR_PANEL_ROLES, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:overview", args=[referral.uuid])


def _meeting_url(meeting: Meeting) -> str:
    return reverse("referrals:meeting", args=[meeting.uuid])


def _require_secretariat(user: User) -> None:
    if not runs_meetings(user):
        raise ReferralError("Only an SBNI officer or the CMR Panel chair can do this.")


@dataclass(frozen=True)
class Notice:
    """Whether business was given the clear days' notice the standing orders ask for."""

    given_on: datetime.date | None
    clear_days: int | None
    required: int

    @property
    def is_enough(self) -> bool:
        return self.clear_days is not None and self.clear_days >= self.required


def notice(meeting: Meeting) -> Notice:
    """Clear days leave out the day notice is given and the day of the meeting."""
    given = meeting.notice_given_on
    clear = None if given is None else (meeting.date - given).days - 1
    return Notice(given, clear, settings.CMR_PANEL_NOTICE_CLEAR_DAYS)


def give_notice_by(meeting: Meeting) -> datetime.date:
    """The last day notice of a meeting's business can be given with the clear days the standing
    orders ask for (``CMR_PANEL_NOTICE_CLEAR_DAYS``, calendar days, as ``notice`` counts them)."""
    return meeting.date - datetime.timedelta(days=settings.CMR_PANEL_NOTICE_CLEAR_DAYS + 1)


def is_late_business(item: AgendaItem) -> bool:
    """Added to the agenda after notice was given."""
    given = item.meeting.notice_given_on
    return given is not None and timezone.localtime(item.added_at).date() > given


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    chair_present: bool

    @property
    def needed(self) -> int:
        return math.ceil(self.members * settings.CMR_PANEL_QUORUM)

    @property
    def is_quorate(self) -> bool:
        return self.chair_present and self.present >= self.needed


def quorum(attendances: list[Attendance]) -> Quorum:
    present = [each for each in attendances if each.status == Attendance.Status.PRESENT]
    return Quorum(len(present), len(attendances), any(each.is_chair for each in present))


@transaction.atomic
def schedule_meeting(
    *, date: datetime.date, place: str, by: User, request: HttpRequest | None = None
) -> Meeting:
    _require_secretariat(by)
    meeting = Meeting.objects.create(date=date, place=place, created_by=by)
    record(
        "meeting.scheduled",
        actor=by,
        target=meeting,
        summary=f"Scheduled the {meeting}",
        changes={"date": date.isoformat(), "place": place},
        request=request,
    )
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting, values: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> Meeting:
    """Change the date, place or the day notice was given; members are told of the notice."""
    _require_secretariat(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changes = {
        name: [_iso(getattr(meeting, name)), _iso(value)]
        for name, value in values.items()
        if getattr(meeting, name) != value
    }
    if not changes:
        return meeting
    notice_now_given = meeting.notice_given_on is None and values.get("notice_given_on")
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=list(changes))
    record(
        "meeting.updated",
        actor=by,
        target=meeting,
        summary=f"Changed {', '.join(changes)} of the {meeting}",
        changes=changes,
        request=request,
    )
    if notice_now_given:
        notify(
            cmr_panel_members(),
            message=f"Notice of business for the {meeting}",
            url=_meeting_url(meeting),
        )
    return meeting


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def add_to_agenda(
    meeting: Meeting, referral: Referral, *, by: User, request: HttpRequest | None = None
) -> AgendaItem:
    referral = begin(referral, "add_to_agenda", by=by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if referral.acknowledged_at is None:
        raise ReferralError("Acknowledge the referral before it goes on an agenda.")
    if meeting.date < timezone.localdate():
        raise ReferralError("This meeting has taken place: choose a meeting still to come.")
    if meeting.items.filter(referral=referral).exists():
        raise ReferralError(f"Referral {referral.reference} is already on this agenda.")
    item = AgendaItem.objects.create(meeting=meeting, referral=referral, added_by=by)
    record(
        "referral.added_to_agenda",
        actor=by,
        target=referral,
        summary=f"Put referral {referral.reference} on the agenda of the {meeting}",
        changes={"status": move(referral, "add_to_agenda"), "meeting": str(meeting.uuid)},
        request=request,
    )
    notify(
        panel_members(referral.panel),
        message=f"Referral {referral.reference} goes to the {meeting}",
        url=_referral_url(referral),
    )
    return item


@transaction.atomic
def remove_from_agenda(item: AgendaItem, *, by: User, request: HttpRequest | None = None) -> None:
    """Take a referral off an agenda before the Panel recommends; with no other meeting to go
    to, it returns to the SBNI's list of referrals to place. A withdrawn referral stays
    withdrawn."""
    referral = begin(item.referral, "remove_from_agenda", by=by)
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if Recommendation.objects.filter(item=item).exists():
        raise ReferralError("The CMR Panel has made its recommendation: it stays on the record.")
    if item.declarations.exists():
        raise ReferralError("Declarations of interest were recorded: the item stays on the record.")
    meeting = item.meeting
    item.delete()
    others = referral.agenda_items.filter(recommendation__isnull=True).exists()
    target = (
        referral.status
        if referral.status == Referral.Status.WITHDRAWN
        else Referral.Status.UNDER_CONSIDERATION
        if others
        else Referral.Status.SUBMITTED
    )
    record(
        "referral.removed_from_agenda",
        actor=by,
        target=referral,
        summary=f"Took referral {referral.reference} off the agenda of the {meeting}",
        changes={
            "status": move(referral, "remove_from_agenda", target),
            "meeting": str(meeting.uuid),
        },
        request=request,
    )


@transaction.atomic
def record_attendance(
    meeting: Meeting,
    statuses: dict[User, str],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Quorum:
    """Who came, sent apologies or was absent; the quorum is checked and kept on the record.

    An inquorate meeting is a warning on the record, not a block: the Panel's chair and the SBNI
    Chair see it beside every recommendation the meeting made.
    """
    _require_secretariat(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > timezone.localdate():
        raise ReferralError("Attendance can be recorded once the meeting has taken place.")
    if Recommendation.objects.filter(item__meeting=meeting).exists():
        raise ReferralError(
            "The meeting has made recommendations: its attendance stays as it was recorded."
        )
    chairs = set(
        User.objects.filter(groups__name=SbniRole.CMR_PANEL_CHAIR).values_list("pk", flat=True)
    )
    meeting.attendances.all().delete()
    attendances = Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=member, status=status, is_chair=member.pk in chairs)
        for member, status in statuses.items()
    )
    checked = quorum(attendances)
    meeting.is_quorate = checked.is_quorate
    meeting.save(update_fields=["is_quorate"])
    record(
        "meeting.attendance_recorded",
        actor=by,
        target=meeting,
        summary=f"Recorded attendance at the {meeting}"
        + ("" if checked.is_quorate else ": not quorate"),
        changes={
            "present": checked.present,
            "members": checked.members,
            "needed": checked.needed,
            "chair_present": checked.chair_present,
            "quorate": checked.is_quorate,
        },
        request=request,
    )
    return checked


@transaction.atomic
def declare_interest(
    item: AgendaItem,
    *,
    member: User,
    interest: str,
    took_part: bool,
    by: User,
    request: HttpRequest | None = None,
) -> Declaration:
    _require_secretariat(by)
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=item.referral_id)
    item = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    )
    if (
        Recommendation.objects.filter(item=item).exists()
        or referral.status != Referral.Status.UNDER_CONSIDERATION
    ):
        raise ReferralError("Declarations can be recorded only before the recommendation.")
    if not cmr_panel_members().filter(pk=member.pk).exists():
        raise ReferralError("Select a member of the CMR Panel.")
    declaration = Declaration.objects.create(
        item=item, member=member, interest=interest, took_part=took_part, recorded_by=by
    )
    record(
        "referral.interest_declared",
        actor=by,
        target=referral,
        summary=f"{member.full_name} declared an interest in referral {referral.reference} "
        f"at the {item.meeting}",
        changes={"member": member.email, "took_part": took_part},
        request=request,
    )
    return declaration


@transaction.atomic
def recommend(
    item: AgendaItem,
    values: dict[str, Any],
    *,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Recommendation:
    """The CMR Panel's recommendation on one referral at a meeting that has taken place."""
    referral = begin(item.referral, "recommend", by=by, seen=seen)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if meeting.date > timezone.localdate():
        raise ReferralError("A recommendation can be recorded once the meeting has taken place.")
    if meeting.is_quorate is None:
        raise ReferralError("Record who attended the meeting before its recommendations.")
    if Recommendation.objects.filter(item=item).exists():
        raise ReferralError("The CMR Panel's recommendation at this meeting is already recorded.")
    check_departure(referral, values["outcome"], values.get("departure_reason", ""))
    recommendation = Recommendation.objects.create(item=item, recorded_by=by, **values)
    record(
        "referral.recommended",
        actor=by,
        target=referral,
        summary=f"The CMR Panel recommended on referral {referral.reference}: "
        f"{recommendation.get_outcome_display()}",
        changes={
            "status": move(referral, "recommend"),
            "outcome": recommendation.outcome,
            "indicator": referral.regulation_17.indicator,
            "departure_reason": recommendation.departure_reason,
            "meeting": str(meeting.uuid),
            "quorate": meeting.is_quorate,
        },
        request=request,
    )
    notify(
        User.objects.filter(groups__name=SbniRole.SBNI_CHAIR, is_active=True),
        message=f"The CMR Panel has made its recommendation on referral {referral.reference}",
        url=_referral_url(referral),
    )
    return recommendation


def latest_recommendation(referral: Referral) -> Recommendation | None:
    return (
        Recommendation.objects.filter(item__referral=referral)
        .select_related("item__meeting", "learning_route")
        .order_by("-recorded_at", "-id")
        .first()
    )


def check_departure(referral: Referral, outcome: str, reason: str) -> None:
    """Refuse an outcome that departs from the referral's regulation 17 indicator without a
    reason, or a reason where it does not depart (``Regulation17.departure``).

    Raises ReferralError with the message a user reads; the form says the same first."""
    departure = referral.regulation_17.departure(outcome)
    if departure and not reason.strip():
        raise ReferralError(f"{departure} Enter the reason for departing from the indicator.")
    if reason.strip() and not departure:
        raise ReferralError(
            "The outcome follows the indicator, so there is no departure to explain."
        )


@dataclass(frozen=True)
class DecisionValues:
    """What the SBNI Chair decides, and why: ``departure_reason`` is empty unless the outcome
    departs from the regulation 17 indicator."""

    outcome: str
    reasons: str
    learning_route: LearningRoute | None = None
    departure_reason: str = ""

    def record(self, referral: Referral, by: User, **more: Any) -> Decision:
        """The decision's row; a learning route goes only with "CMR not required". Raises
        ReferralError for a departure from the indicator without its reason."""
        check_departure(referral, self.outcome, self.departure_reason)
        route = self.learning_route if self.outcome == Outcome.NOT_REQUIRED else None
        return Decision.objects.create(
            referral=referral,
            outcome=self.outcome,
            reasons=self.reasons,
            learning_route=route,
            departure_reason=self.departure_reason.strip(),
            decided_by=by,
            **more,
        )


def _told_of_decision(referral: Referral) -> list[User]:
    return [*panel_members(referral.panel), *sbni_officers()]


@transaction.atomic
def record_decision(
    referral: Referral,
    values: DecisionValues,
    *,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """The SBNI Chair decides: a CMR, no CMR (perhaps another learning route), or more
    information first, which sends the referral back to the SBNI officers."""
    more = values.outcome == Outcome.MORE_INFORMATION
    referral = begin(referral, "ask_for_more" if more else "decide", by=by, seen=seen)
    recommendation = latest_recommendation(referral)
    decision = values.record(referral, by, recommendation=recommendation, is_current=not more)
    record(
        "referral.more_information_needed" if more else "referral.decided",
        actor=by,
        target=referral,
        summary=f"The SBNI Chair decided on referral {referral.reference}: "
        f"{decision.get_outcome_display()}",
        changes={
            "status": move(referral, "ask_for_more" if more else "decide"),
            "outcome": decision.outcome,
            "learning_route": str(decision.learning_route or ""),
            "recommended": recommendation.outcome if recommendation else None,
            "indicator": referral.regulation_17.indicator,
            "departure_reason": decision.departure_reason,
        },
        request=request,
    )
    if more:
        notify(
            sbni_officers(),
            message=f"The SBNI Chair needs more information on referral {referral.reference}",
            url=_referral_url(referral),
        )
    else:
        notify(
            _told_of_decision(referral),
            message=f"The SBNI Chair has decided on referral {referral.reference}",
            url=reverse("referrals:decision", args=[referral.uuid]),
        )
    return decision


@transaction.atomic
def amend_decision(
    referral: Referral,
    values: DecisionValues,
    *,
    reason: str,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Correct a recorded decision: a new decision names the one it replaces and why.

    ``seen`` is the decision the user's form was made for.
    """
    referral = begin(referral, "amend_decision", by=by)
    current = referral.decisions.select_for_update().get(is_current=True)
    if seen is not None and str(current.uuid) != seen:
        raise ReferralError(
            "The decision was amended while you had this page open. Nothing has been saved: "
            "read the decision as it is now before you go on."
        )
    if values.outcome == Outcome.MORE_INFORMATION:
        raise ReferralError("An amendment records a decision: a CMR is required or it is not.")
    if not reason.strip():
        raise ReferralError("Enter the reason for the amendment")
    current.is_current = False
    current.save(update_fields=["is_current"])
    amended = values.record(
        referral,
        by,
        recommendation=current.recommendation,
        amends=current,
        amendment_reason=reason.strip(),
    )
    record(
        "referral.decision_amended",
        actor=by,
        target=referral,
        summary=f"The SBNI Chair amended the decision on referral {referral.reference}",
        changes={
            "outcome": [current.outcome, amended.outcome],
            "learning_route": [
                str(current.learning_route or ""),
                str(amended.learning_route or ""),
            ],
            "reasons": [current.reasons, amended.reasons],
            "departure_reason": [current.departure_reason, amended.departure_reason],
            "reason": amended.amendment_reason,
        },
        request=request,
    )
    notify(
        _told_of_decision(referral),
        message=f"The SBNI Chair has amended the decision on referral {referral.reference}",
        url=reverse("referrals:decision", args=[referral.uuid]),
    )
    return amended
