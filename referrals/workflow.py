"""The life of a referral: every allowed transition, who may make it, and the checks before it.

Each service that changes a referral's status starts with ``begin``: it checks the role, locks
the row, refuses a stale form (someone else acted first) and a transition the status does not
allow, each with a message in plain words, before anything changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from panels.models import SbniRole, User
from referrals.deadlines import store_due_date
from referrals.models import Referral

Status = Referral.Status
Permission = Callable[[User, Referral], bool]


class ReferralError(Exception):
    """A change that cannot be made now; the message says why, in plain words."""


class StaleForm(ReferralError):
    """The referral moved on while the form was open; nothing was saved."""

    def __init__(self, referral: Referral) -> None:
        super().__init__(
            "Someone else acted on this referral while you had this page open. Its status is "
            f"now: {referral.get_status_display().lower()}. Nothing has been saved: check the "
            "referral before you go on."
        )


def panel_member(user: User, referral: Referral) -> bool:
    return user.has_perm("panels.log_referral", referral.panel)


def sbni_officer(user: User, referral: Referral) -> bool:
    return user.has_sbni_role(SbniRole.SBNI_OFFICER)


def runs_meetings(user: User) -> bool:
    """SBNI officers run the CMR Panel's business with its chair."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER, SbniRole.CMR_PANEL_CHAIR)


def meeting_secretariat(user: User, referral: Referral) -> bool:
    return runs_meetings(user)


def sbni_chair(user: User, referral: Referral) -> bool:
    return user.has_sbni_role(SbniRole.SBNI_CHAIR)


@dataclass(frozen=True)
class Transition:
    label: str  # "send the referral": completes "You cannot …"
    sources: frozenset[str]
    # The status after; None where it stays or depends on the record (an answer returns the
    # referral to where it was before the question).
    target: str | None
    may: Permission
    refusal: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "send the referral",
        frozenset({Status.DRAFT}),
        Status.SUBMITTED,
        panel_member,
        "Only a member of the referral's panel can send it.",
    ),
    "withdraw": Transition(
        "withdraw the referral",
        frozenset(
            {
                Status.DRAFT,
                Status.SUBMITTED,
                Status.INFORMATION_REQUESTED,
                Status.UNDER_CONSIDERATION,
                Status.RECOMMENDED,
            }
        ),
        Status.WITHDRAWN,
        panel_member,
        "Only a member of the referral's panel can withdraw it.",
    ),
    "acknowledge": Transition(
        "acknowledge the referral",
        frozenset({Status.SUBMITTED}),
        None,
        sbni_officer,
        "Only an SBNI officer can acknowledge a referral.",
    ),
    "request_information": Transition(
        "ask the panel for information",
        frozenset({Status.SUBMITTED, Status.UNDER_CONSIDERATION, Status.RECOMMENDED}),
        Status.INFORMATION_REQUESTED,
        sbni_officer,
        "Only an SBNI officer can ask the panel for information.",
    ),
    "answer_information": Transition(
        "answer the question",
        frozenset({Status.INFORMATION_REQUESTED}),
        None,
        panel_member,
        "Only a member of the referral's panel can answer.",
    ),
    "add_to_agenda": Transition(
        "put the referral on a CMR Panel agenda",
        frozenset({Status.SUBMITTED, Status.UNDER_CONSIDERATION}),
        Status.UNDER_CONSIDERATION,
        meeting_secretariat,
        "Only an SBNI officer or the CMR Panel chair can change an agenda.",
    ),
    "remove_from_agenda": Transition(
        "take the referral off the agenda",
        frozenset({Status.UNDER_CONSIDERATION, Status.WITHDRAWN}),
        None,
        meeting_secretariat,
        "Only an SBNI officer or the CMR Panel chair can change an agenda.",
    ),
    "recommend": Transition(
        "record the CMR Panel's recommendation",
        frozenset({Status.UNDER_CONSIDERATION}),
        Status.RECOMMENDED,
        meeting_secretariat,
        "Only an SBNI officer or the CMR Panel chair can record a recommendation.",
    ),
    "decide": Transition(
        "record the SBNI Chair's decision",
        frozenset({Status.RECOMMENDED}),
        Status.DECIDED,
        sbni_chair,
        "Only the SBNI Chair can decide whether a CMR is required.",
    ),
    "ask_for_more": Transition(
        "ask for more information",
        frozenset({Status.RECOMMENDED}),
        Status.UNDER_CONSIDERATION,
        sbni_chair,
        "Only the SBNI Chair can decide whether a CMR is required.",
    ),
    "amend_decision": Transition(
        "amend the decision",
        frozenset({Status.DECIDED}),
        Status.DECIDED,
        sbni_chair,
        "Only the SBNI Chair can amend a decision.",
    ),
}


def begin(referral: Referral, action: str, *, by: User, seen: str | None = None) -> Referral:
    """The referral, locked for the rest of the transaction, once the action is allowed.

    ``seen`` is the status the user's form was made for: a different one now means that
    someone else acted first.
    """
    transition = TRANSITIONS[action]
    if not transition.may(by, referral):
        raise ReferralError(transition.refusal)
    locked = Referral.objects.select_for_update(of=("self",)).select_related("panel")
    referral = locked.get(pk=referral.pk)
    if seen is not None and referral.status != seen:
        raise StaleForm(referral)
    if referral.status not in transition.sources:
        raise ReferralError(
            f"You cannot {transition.label} now. Its status is: "
            f"{referral.get_status_display().lower()}."
        )
    return referral


def allowed(referral: Referral, action: str, user: User) -> bool:
    """Whether to offer the action on a page: the status allows it and the user may make it."""
    transition = TRANSITIONS[action]
    return referral.status in transition.sources and transition.may(user, referral)


def move(referral: Referral, action: str, target: str | None = None) -> list[str]:
    """Give a locked referral its new status and the due date that follows from it and from
    what the service recorded before (``deadlines.store_due_date``); the [before, after] pair
    for the audit event."""
    before = referral.status
    referral.status = target or TRANSITIONS[action].target or before
    referral.save(update_fields=["status", "updated_at"])
    store_due_date(referral)
    return [before, referral.status]
