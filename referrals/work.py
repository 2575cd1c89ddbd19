"""The work on referrals that a home page lists, built from the records' state.

A panel's members and chair: drafts, the SBNI's questions to answer, decisions received lately.
The SBNI: referrals to acknowledge, answers received, meetings needing notice or attendance,
recommendations to record (officers and the CMR Panel chair), decisions to make (the SBNI Chair).

Each list is one query, whatever the data; the due dates are the referrals' stored ones
(``referrals.deadlines``) and ``consideration.give_notice_by``, the same ones the queue and the
reminders use. Where the database orders a list otherwise than by due date (the day sent, the
meeting's date), it returns a few more than are shown.
"""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef, Value
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.work import SHOWN, Task, WorkList
from cmr_portal.kernel.working_days import latest_start
from panels.access import granted
from panels.models import Panel, SbniRole, User
from referrals import deadlines
from referrals.consideration import give_notice_by
from referrals.models import (
    AgendaItem,
    Decision,
    InformationRequest,
    Meeting,
    Referral,
)

Status = Referral.Status
# Decisions received within this many calendar days are listed for the panel.
RECENT_DAYS = 30
# Answers received within this many working days are listed for the SBNI's officers.
ANSWERS_WITHIN = 10
# The window read from the database for a list it orders otherwise than by due date.
WINDOW = SHOWN * 3


def on(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def overview(referral: Referral) -> str:
    return reverse("referrals:overview", args=[referral.uuid])


def clocked(
    referrals: Iterable[Referral],
    what: str,
    today: datetime.date,
    link: Callable[[Referral], str] = overview,
) -> list[Task]:
    """Tasks for referrals, each due on its next deadline and linking to ``link(referral)``."""
    tasks = []
    for referral in referrals:
        deadline = deadlines.next_deadline(referral, today)
        tasks.append(
            Task(
                title=f"{referral.reference}: {what}",
                url=link(referral),
                detail=f"{referral.panel.name}, sent on {on(referral.submitted_at)}"
                if referral.submitted_at
                else referral.panel.name,
                today=today,
                due=deadline.due if deadline else None,
            )
        )
    return tasks


def panel_work(user: User, today: datetime.date) -> list[WorkList]:
    """Drafts, questions and decisions of the panels whose cases ``user`` sees: three queries and
    one for the panels; nothing for someone on no panel."""
    panels = granted(user, "panels.view_panel_cases", Panel)
    if not panels:
        return []
    mine = {"panel_id__in": panels}
    drafts = (
        Referral.objects.filter(status=Status.DRAFT, **mine)
        .select_related("panel")
        .only("uuid", "reference", "created_at", "panel__name")
        .order_by("created_at", "id")[: SHOWN + 1]
    )
    questions = (
        InformationRequest.objects.filter(
            referral__status=Status.INFORMATION_REQUESTED,
            answered_at__isnull=True,
            **{f"referral__{key}": value for key, value in mine.items()},
        )
        .select_related("referral__panel")
        .order_by("due_date", "id")[: SHOWN + 1]
    )
    decided = (
        Decision.objects.filter(
            is_current=True,
            decided_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
            **{f"referral__{key}": value for key, value in mine.items()},
        )
        .select_related("referral")
        .order_by("-decided_at", "-id")[: SHOWN + 1]
    )
    referrals = reverse("referrals:list")
    return [
        WorkList(
            "panel.drafts",
            "Drafts to finish and send",
            [
                Task(
                    title=f"{draft.reference}: finish and send",
                    url=overview(draft),
                    detail=f"{draft.panel.name}, started on {on(draft.created_at)}",
                    today=today,
                    since=timezone.localtime(draft.created_at).date(),
                )
                for draft in drafts
            ],
            more_url=f"{referrals}?status={Status.DRAFT}",
            more_label="See all drafts",
        ),
        WorkList(
            "panel.questions",
            "Questions from the SBNI to answer",
            [
                Task(
                    title=f"{asked.referral.reference}: answer the SBNI's question",
                    url=reverse("referrals:answer_request", args=[asked.referral.uuid, asked.uuid]),
                    detail=f"{asked.referral.panel.name}, asked on {on(asked.asked_at)}",
                    today=today,
                    due=asked.due_date,
                )
                for asked in questions
            ],
            more_url=f"{referrals}?status={Status.INFORMATION_REQUESTED}",
            more_label="See all referrals with questions",
        ),
        WorkList(
            "panel.decisions",
            "Decisions received lately",
            [
                Task(
                    title=f"{decision.referral.reference}: {decision.get_outcome_display()}",
                    url=reverse("referrals:decision", args=[decision.referral.uuid]),
                    detail=f"Decided on {on(decision.decided_at)}",
                    today=today,
                    since=timezone.localtime(decision.decided_at).date(),
                )
                for decision in decided
            ],
            more_url=f"{referrals}?status={Status.DECIDED}",
            more_label="See all decided referrals",
            newest_first=True,
        ),
    ]


def can_start_referral(user: User) -> bool:
    """Whether ``user`` may log a referral for a panel (no query once the grants are read)."""
    return bool(granted(user, "panels.log_referral", Panel))


def officer_work(user: User, today: datetime.date) -> list[WorkList]:
    """An SBNI officer's lists: to acknowledge, answers received, meetings needing notice or
    attendance (and the recommendations to record, in ``meeting_work``)."""
    queue = reverse("referrals:queue")
    answered_lately = InformationRequest.objects.filter(
        referral=OuterRef("pk"),
        answered_at__date__gte=latest_start(today, ANSWERS_WITHIN),
    )
    # Both lists in one query, each bounded on its own.
    to_acknowledge = (
        Referral.objects.filter(status=Status.SUBMITTED, acknowledged_at__isnull=True)
        .annotate(task=Value("acknowledge"))
        .select_related("panel")
        .order_by("submitted_at", "id")[:WINDOW]
    )
    answered = (
        Referral.objects.filter(
            Exists(answered_lately), status__in=[Status.SUBMITTED, Status.UNDER_CONSIDERATION]
        )
        .annotate(task=Value("answer"))
        .select_related("panel")
        .order_by("submitted_at", "id")[:WINDOW]
    )
    referrals = list(to_acknowledge.union(answered, all=True))
    # On the day itself notice can no longer be given: the meeting needs its attendance instead.
    unnoticed = Meeting.objects.filter(date__gt=today, notice_given_on__isnull=True).order_by(
        "date", "id"
    )[: SHOWN + 1]
    unrecorded = Meeting.objects.filter(date__lte=today, is_quorate__isnull=True).order_by(
        "date", "id"
    )[: SHOWN + 1]
    found = list(unnoticed.union(unrecorded, all=True))
    meetings = reverse("referrals:meetings")
    return [
        WorkList(
            "sbni.acknowledge",
            "Referrals to acknowledge",
            clocked(
                [each for each in referrals if each.task == "acknowledge"],  # type: ignore[attr-defined]
                "acknowledge receipt",
                today,
            ),
            more_url=f"{queue}?status={Status.SUBMITTED}",
            more_label="See the queue",
        ),
        WorkList(
            "sbni.answers",
            "Answers received from panels",
            clocked(
                [each for each in referrals if each.task == "answer"],  # type: ignore[attr-defined]
                "read the panel's answer",
                today,
            ),
            more_url=queue,
            more_label="See the queue",
        ),
        WorkList(
            "sbni.notice",
            "Meetings needing notice",
            [
                Task(
                    title=f"Give notice of the {meeting}",
                    url=reverse("referrals:edit_meeting", args=[meeting.uuid]),
                    detail=meeting.place,
                    today=today,
                    due=give_notice_by(meeting),
                )
                for meeting in found
                if meeting.date > today
            ],
            more_url=meetings,
            more_label="See all meetings",
        ),
        WorkList(
            "sbni.attendance",
            "Meetings needing attendance recorded",
            [
                Task(
                    title=f"Record attendance at the {meeting}",
                    url=reverse("referrals:attendance", args=[meeting.uuid]),
                    detail=meeting.place,
                    today=today,
                    due=meeting.date,
                )
                for meeting in found
                if meeting.date <= today
            ],
            more_url=meetings,
            more_label="See all meetings",
        ),
    ]


def meeting_work(user: User, today: datetime.date) -> list[WorkList]:
    """The CMR Panel's recommendations still to record on referrals discussed at meetings held,
    for SBNI officers and the CMR Panel chair: three queries."""
    items = list(
        AgendaItem.objects.filter(
            meeting__date__lte=today,
            recommendation__isnull=True,
            referral__status=Status.UNDER_CONSIDERATION,
        )
        .select_related("meeting")
        .order_by("meeting__date", "id")[:WINDOW]
    )
    referrals = {
        referral.pk: referral
        for referral in Referral.objects.filter(
            pk__in=[item.referral_id for item in items]
        ).select_related("panel")
    }
    tasks = []
    for item in items:
        referral = referrals[item.referral_id]
        deadline = deadlines.next_deadline(referral, today)
        tasks.append(
            Task(
                title=f"{referral.reference}: record the CMR Panel's recommendation",
                url=reverse("referrals:recommend", args=[item.meeting.uuid, item.uuid]),
                detail=f"{referral.panel.name}, discussed at the {item.meeting}",
                today=today,
                due=deadline.due if deadline else None,
            )
        )
    return [
        WorkList(
            "sbni.recommendations",
            "Recommendations to record",
            tasks,
            more_url=reverse("referrals:meetings"),
            more_label="See all meetings",
        )
    ]


def chair_work(user: User, today: datetime.date) -> list[WorkList]:
    """The SBNI Chair's decisions to make on the CMR Panel's recommendations."""
    recommended = (
        Referral.objects.filter(status=Status.RECOMMENDED)
        .select_related("panel")
        .order_by("due_on", "id")
    )
    tasks = clocked(
        recommended[: SHOWN + 1],
        "decide whether a CMR is required",
        today,
        lambda referral: reverse("reviews:decide", args=[referral.uuid]),
    )
    return [
        WorkList(
            "sbni.decisions",
            "Decisions to make",
            tasks,
            more_url=f"{reverse('referrals:queue')}?status={Status.RECOMMENDED}",
            more_label="See the queue",
        )
    ]


def sbni_work(user: User, today: datetime.date) -> list[WorkList]:
    """The lists of each SBNI role ``user`` holds, the officers' first."""
    lists: list[WorkList] = []
    if user.has_sbni_role(SbniRole.SBNI_OFFICER):
        lists += officer_work(user, today)
    if user.has_sbni_role(SbniRole.SBNI_OFFICER, SbniRole.CMR_PANEL_CHAIR):
        lists += meeting_work(user, today)
    if user.has_sbni_role(SbniRole.SBNI_CHAIR):
        lists += chair_work(user, today)
    return lists
