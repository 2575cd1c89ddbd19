"""The referrals' deadlines, for the reminder sweep: the panel's answers to questions, and the
SBNI's steps (acknowledging, the CMR Panel's recommendation, the Chair's decision)."""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise

from cmr_portal.kernel.notifications.reminders import Deadline, deadline_source
from panels.access import holders_of
from panels.models import Membership, Panel, SbniRole, User
from referrals import deadlines as clocks
from referrals.models import InformationRequest, Referral, Timescale

Step = Timescale.Step
WHAT = {
    Step.ACKNOWLEDGE: "acknowledging receipt of the referral",
    Step.CMR_PANEL: "the CMR Panel's recommendation",
    Step.CHAIR_DECISION: "the SBNI Chair's decision",
}


def holders(*roles: SbniRole) -> tuple[int, ...]:
    return tuple(
        User.objects.filter(groups__name__in=roles, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def panel_people() -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
    """For every panel, who sees its cases and who chairs it: two queries for all panels."""
    members = holders_of("panels.view_panel_cases", Panel)
    chairs: dict[int, list[int]] = defaultdict(list)
    for panel_pk, user_pk in Membership.objects.filter(
        role=Membership.Role.CHAIR, user__is_active=True
    ).values_list("panel_id", "user_id"):
        chairs[panel_pk].append(user_pk)
    return (
        {int(pk): tuple(users) for pk, users in members.items()},
        {pk: tuple(users) for pk, users in chairs.items()},
    )


def clock_start(referral: Referral, step: str) -> datetime.date:
    """The day a step's clock started: it names the obligation, which a restarted clock renews."""
    started: datetime.datetime = {
        Step.ACKNOWLEDGE: referral.submitted_at,
        Step.CMR_PANEL: referral.sent_back_at or referral.submitted_at,  # type: ignore[attr-defined]
        Step.CHAIR_DECISION: referral.recommended_at,  # type: ignore[attr-defined]
    }[Step(step)]
    return timezone.localdate(started)


def overview(referral: Referral) -> Promise:
    return reverse_lazy("referrals:overview", args=[referral.uuid])


@deadline_source("referrals")
def referral_deadlines(due_by: datetime.date) -> Iterator[Deadline]:
    members, chairs = panel_people()
    officers = holders(SbniRole.SBNI_OFFICER)
    panel_chairs = holders(SbniRole.CMR_PANEL_CHAIR)
    owners = {
        Step.ACKNOWLEDGE: (officers, panel_chairs),
        Step.CMR_PANEL: (officers, panel_chairs),
        Step.CHAIR_DECISION: (holders(SbniRole.SBNI_CHAIR), officers),
    }
    for asked in InformationRequest.objects.filter(
        answered_at__isnull=True,
        due_date__lte=due_by,
        referral__status=Referral.Status.INFORMATION_REQUESTED,  # not once withdrawn
    ).select_related("referral"):
        panel = asked.referral.panel_id
        yield Deadline(
            key=f"referrals.answer:{asked.pk}",
            reference=asked.referral.reference,
            what="the panel's answer to the SBNI's question",
            due=asked.due_date,
            owners=members.get(panel, ()),
            escalate_to=chairs.get(panel, ()),
            url=overview(asked.referral),
        )
    # The SBNI's steps, by their stored due dates: the open questions were reminded of above.
    due = (
        Referral.objects.clock_fields()
        .filter(due_on__lte=due_by)
        .exclude(status=Referral.Status.INFORMATION_REQUESTED)
    )
    for referral in due:
        deadline = clocks.next_deadline(referral)
        assert deadline is not None  # a due date is stored only while a step runs
        step = Step(deadline.step)
        who, above = owners[step]
        yield Deadline(
            key=f"referrals.{step}:{referral.pk}:{clock_start(referral, step).isoformat()}",
            reference=referral.reference,
            what=WHAT[step],
            due=deadline.due,
            owners=who,
            escalate_to=above,
            url=overview(referral),
        )
