"""Parallel proceedings: the processes running alongside a case (police investigations,
prosecutions, trials, inquests, family court proceedings, Serious Adverse Incident reviews,
disciplinary processes) and what they ask of the review, above all the publication embargo.

``embargoes(referral)`` is the one rule everyone reads: the proceedings that hold publication
back now. The reviews app asks it before the publication version is signed off or made.

Who keeps them: SBNI officers, and the lead reviewer of the case's review (the reviews app says
so, ``leads_review``: this app cannot know a review's team). Only SBNI officers share one with
the referring panel or lift an embargo.
"""

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, transaction
from django.db.models import F, Model, OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import long_date
from panels.models import SBNI_STAFF, SbniRole, User
from referrals.models import Proceeding, Referral
from referrals.services import audit_value, field_changes
from referrals.workflow import ReferralError

# What a person may set on a proceeding, in the order the form asks.
FIELDS = (
    "kind",
    "other_kind",
    "status",
    "started_on",
    "next_date",
    "next_date_what",
    "concluded_on",
    "outcome",
    "contact_role",
    "contact_organisation",
    "constraints",
    "blocks_publication",
    "shared_with_panel",
)

# The audit events about proceedings. They are the SBNI's record of the case: a referral's
# history shows them to SBNI staff only, as the CMR Panel's deliberations.
ADDED = "referral.proceeding_added"
CHANGED = "referral.proceeding_changed"
CONCLUDED = "referral.proceeding_concluded"
SHARED = "referral.proceeding_shared"
UNSHARED = "referral.proceeding_unshared"
EMBARGO_LIFTED = "referral.proceeding_embargo_lifted"
VIEWED = "referral.proceedings_viewed"
EVENTS = (ADDED, CHANGED, CONCLUDED, SHARED, UNSHARED, EMBARGO_LIFTED, VIEWED)


class ProceedingError(ReferralError):
    """A change to a proceeding that cannot be made; the message says why."""


class ProceedingRefused(ProceedingError):
    """What was typed breaks a rule: a message for each field at fault."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The proceeding cannot be saved as it is.")
        self.problems = problems


def sees_all(user: User) -> bool:
    """SBNI staff see every proceeding of a referral; its panel only those shared with it."""
    return user.has_sbni_role(*SBNI_STAFF)


def may_keep(user: User, *, leads_review: bool = False) -> bool:
    """An SBNI officer, or the lead reviewer of the case's review, adds and changes them."""
    return leads_review or user.has_sbni_role(SbniRole.SBNI_OFFICER)


def may_share(user: User) -> bool:
    """The SBNI chooses what the referring panel sees, and lifts an embargo: its officers."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER)


def problems(values: Mapping[str, Any], today: datetime.date | None = None) -> dict[str, str]:
    """The rules between a proceeding's answers, a message for each field at fault: what
    "other" is, the dates in order and none concluded in the future, a next key date with what
    it is, and a date and an outcome exactly when it is concluded."""
    today = today or timezone.localdate()
    found: dict[str, str] = {}
    started, coming = values.get("started_on"), values.get("next_date")
    concluded_on, outcome = values.get("concluded_on"), values.get("outcome", "")
    concluded = values.get("status") == Proceeding.Status.CONCLUDED
    if values.get("kind") == Proceeding.Kind.OTHER and not values.get("other_kind"):
        found["other_kind"] = "Say what kind of process it is"
    if started and started > today:
        found["started_on"] = "The date it started must be today or in the past"
    if coming and started and coming < started:
        found["next_date"] = "The next key date must be on or after the date it started"
    if coming and not values.get("next_date_what"):
        found["next_date_what"] = "Say what the next key date is, such as “trial listed”"
    if values.get("next_date_what") and not coming:
        found["next_date"] = "Enter the next key date, or leave what it is empty"
    if concluded:
        if concluded_on is None:
            found["concluded_on"] = "Enter the date it concluded"
        elif concluded_on > today:
            found["concluded_on"] = "The date it concluded must be today or in the past"
        elif started and concluded_on < started:
            found["concluded_on"] = "The date it concluded must be on or after the date it started"
        if not outcome:
            found["outcome"] = "Enter the outcome in a sentence"
    else:
        if concluded_on is not None:
            found["concluded_on"] = "Choose Concluded, or leave the date it concluded empty"
        if outcome:
            found["outcome"] = "Choose Concluded, or leave the outcome empty"
    return found


def embargoes(referral: Referral) -> list[Proceeding]:
    """The proceedings that hold the publication version back now: open, blocking publication,
    their embargo not lifted. One query."""
    return list(
        Proceeding.objects.still_open().filter(
            referral_id=referral.pk, blocks_publication=True, embargo_lifted_at__isnull=True
        )
    )


def held_because(held: list[Proceeding]) -> str:
    """Why the publication version is held, naming each proceeding that holds it."""
    named = "; ".join(
        f"the {proceeding.phrase}"
        + (f" ({proceeding.constraints.strip()})" if proceeding.constraints.strip() else "")
        for proceeding in held
    )
    return (
        f"Publication is held while {'these are' if len(held) > 1 else 'this is'} open: {named}. "
        "It can go ahead once the proceeding is concluded, or an SBNI officer lifts its embargo "
        "with a reason"
    )


M = TypeVar("M", bound=Model)
# What the banner reads of each open proceeding.
BANNER_FIELDS = (
    "id",
    "kind",
    "other_kind",
    "status",
    "constraints",
    "blocks_publication",
    "embargo_lifted_at",
    "shared_with_panel",
)


def with_banner(records: QuerySet[M], referral: str = "pk") -> QuerySet[M]:
    """On PostgreSQL, ``records`` (referrals, or records naming their referral in the field
    ``referral``) with the referral's open proceedings read in the same query, as the banner
    reads them (``banner_proceedings``: a list of their ``BANNER_FIELDS``), so that a case's
    page spends no query of its own on the banner; elsewhere (the demo's SQLite) as they are, and
    the banner reads them itself (``open_proceedings``)."""
    if connections[records.db].vendor != "postgresql":
        return records
    fields = {name: F(name) for name in BANNER_FIELDS}
    banner = ArraySubquery(
        Proceeding.objects.still_open()
        .filter(referral=OuterRef(referral))
        .order_by("id")
        .values(json=JSONObject(**fields))
    )
    annotated: QuerySet[M] = records.annotate(banner_proceedings=banner)
    return annotated


def open_proceedings(case: Model, referral_id: int, *, everything: bool) -> list[Proceeding]:
    """The open proceedings of a referral that the banner shows: every one for SBNI staff and
    the review team, those shared with the referring panel for its members. ``case``: the
    referral or the review read with ``with_banner``, whose reading is used; otherwise (not
    PostgreSQL) one query."""
    read: list[dict[str, Any]] | None = getattr(case, "banner_proceedings", None)
    if read is None:
        shown = Proceeding.objects.still_open().filter(referral_id=referral_id)
        if not everything:
            shown = shown.filter(shared_with_panel=True)
        return list(shown)
    return [
        Proceeding(
            referral_id=referral_id,
            **row | {"embargo_lifted_at": parse_datetime(row["embargo_lifted_at"] or "")},
        )
        for row in read
        if everything or row["shared_with_panel"]
    ]


def _check_sharing(values: Mapping[str, Any], shared_now: bool, by: User) -> None:
    if values.get("shared_with_panel", shared_now) != shared_now and not may_share(by):
        raise ProceedingError("Only an SBNI officer chooses what the referring panel sees.")


def _record_sharing(proceeding: Proceeding, by: User, request: HttpRequest | None) -> None:
    referral = proceeding.referral
    shared = proceeding.shared_with_panel
    record(
        SHARED if shared else UNSHARED,
        actor=by,
        target=referral,
        summary=(
            f"{'Shared' if shared else 'Stopped sharing'} the {proceeding.phrase} of "
            f"referral {referral.reference} with the referring panel"
        ),
        changes={"shared_with_panel": [not shared, shared]},
        request=request,
    )


@transaction.atomic
def add_proceeding(
    referral: Referral,
    values: Mapping[str, Any],
    *,
    by: User,
    leads_review: bool = False,
    request: HttpRequest | None = None,
) -> Proceeding:
    """Record a proceeding on a referral (``values``: any of ``FIELDS``)."""
    if not may_keep(by, leads_review=leads_review):
        raise ProceedingError("Only an SBNI officer or the lead reviewer records proceedings.")
    _check_sharing(values, False, by)
    if found := problems(values):
        raise ProceedingRefused(found)
    proceeding = Proceeding.objects.create(referral=referral, added_by=by, **values)
    record(
        ADDED,
        actor=by,
        target=referral,
        summary=f"Recorded a proceeding on referral {referral.reference}: {proceeding.name}",
        changes={name: [None, audit_value(value)] for name, value in values.items()},
        request=request,
    )
    if proceeding.shared_with_panel:
        _record_sharing(proceeding, by, request)
    return proceeding


@transaction.atomic
def change_proceeding(
    proceeding: Proceeding,
    values: Mapping[str, Any],
    *,
    by: User,
    leads_review: bool = False,
    request: HttpRequest | None = None,
) -> Proceeding:
    """Change a proceeding, or conclude it (``status`` concluded, with the date and the
    outcome). A concluded proceeding is kept as it was: a later process is a new one."""
    if not may_keep(by, leads_review=leads_review):
        raise ProceedingError("Only an SBNI officer or the lead reviewer changes proceedings.")
    locked = Proceeding.objects.select_for_update().select_related("referral").get(pk=proceeding.pk)
    if not locked.is_open:
        assert locked.concluded_on is not None  # a database constraint
        raise ProceedingError(
            f"This {locked.phrase} was concluded on {long_date(locked.concluded_on)}, so "
            "it can no longer be changed. Nothing has been saved."
        )
    _check_sharing(values, locked.shared_with_panel, by)
    if found := problems({name: getattr(locked, name) for name in FIELDS} | dict(values)):
        raise ProceedingRefused(found)
    changes = field_changes(locked, dict(values))
    if not changes:
        return locked
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changes))
    referral = locked.referral
    concluding = "status" in changes and not locked.is_open
    record(
        CONCLUDED if concluding else CHANGED,
        actor=by,
        target=referral,
        summary=(
            f"{'Concluded' if concluding else 'Changed'} the {locked.phrase} of referral "
            f"{referral.reference}"
        ),
        changes=changes,
        request=request,
    )
    if "shared_with_panel" in changes:
        _record_sharing(locked, by, request)
    return locked


@transaction.atomic
def lift_embargo(
    proceeding: Proceeding, *, reason: str, by: User, request: HttpRequest | None = None
) -> Proceeding:
    """Let publication go ahead while the proceeding is still open, with the reason: an SBNI
    officer's recorded step."""
    if not may_share(by):
        raise ProceedingError("Only an SBNI officer lifts a publication embargo.")
    locked = Proceeding.objects.select_for_update().select_related("referral").get(pk=proceeding.pk)
    name = locked.phrase
    if not locked.blocks_publication:
        raise ProceedingError(f"This {name} does not hold publication back: there is no embargo.")
    if not locked.is_open:
        raise ProceedingError(f"This {name} is concluded: its embargo ended with it.")
    if locked.embargo_lifted_at is not None:
        day = long_date(timezone.localdate(locked.embargo_lifted_at))
        raise ProceedingError(f"The embargo of this {name} was lifted on {day}.")
    reason = reason.strip()
    if not reason:
        raise ProceedingRefused({"reason": "Enter the reason for lifting the embargo"})
    locked.embargo_lifted_at, locked.embargo_lifted_by = timezone.now(), by
    locked.embargo_lift_reason = reason
    locked.save(update_fields=["embargo_lifted_at", "embargo_lifted_by", "embargo_lift_reason"])
    record(
        EMBARGO_LIFTED,
        actor=by,
        target=locked.referral,
        summary=(
            f"Lifted the publication embargo of the {name} of referral {locked.referral.reference}"
        ),
        changes={"embargo_lift_reason": [None, reason]},
        request=request,
    )
    return locked
