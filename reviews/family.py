"""The family's part in a review: the family liaison plan (who in the family, by role only, is
invited to contribute, and who from the review team is their contact), the log of contacts with
them, and what the publication sign-off checks of it.

Family members are recorded by role ("Mother", "Grandfather"), with at most a short qualifier
("maternal", "older") that may not carry a name of the review's pseudonym map. Whether a
qualifier is a name no rule can tell: the form says "a role, never a name". The audit trail
names family members by role only, never by their qualifier, and never records how they are
contacted.

SBNI staff and the review team see the family's records (``services.can_see``, as for every
page of the review's records); the lead reviewer and SBNI officers change the plan; the team and
SBNI officers record contacts, at any stage (the date of publication is told after approval).
The referring panel sees the name of the family's contact in the review team, and only when an
SBNI officer chooses to share it; agencies see nothing of the family."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from panels.models import SbniRole, User
from reviews import anonymise, documents
from reviews.models import FamilyContact, FamilyMember, Review, ReviewMember
from reviews.services import ReviewError, audit_review, leads, locked_review

Participation = FamilyMember.Participation
Purpose = FamilyContact.Purpose
# Those who still take a part: the date of publication is told to one of them.
INVOLVED = (Participation.INVITED, Participation.TAKING_PART)
# Those the review does not contact.
NOT_INVOLVED = (Participation.DECLINED, Participation.NOT_TO_BE_CONTACTED)


class FamilyError(ReviewError):
    """A change to the family's records that cannot be made; ``field`` names the answer at
    fault, for the form to show the message beside it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def may_plan(user: User, review: Review) -> bool:
    """The lead reviewer and SBNI officers keep the family liaison plan."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER) or leads(user, review)


def may_record(user: User, review: Review) -> bool:
    """The review team and SBNI officers record contacts with the family."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER) or user.has_perm("reviews.see_review", review)


def contact_people(review: Review) -> QuerySet[User]:
    """Who may have made a contact with the family: the review team and SBNI officers."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(review_memberships__review=review) | Q(groups__name=SbniRole.SBNI_OFFICER))
        .distinct()
        .order_by("full_name")
    )


def check_qualifier(review: Review, qualifier: str) -> None:
    """Refuse a qualifier that carries a name of the review's pseudonym map (or something close
    to one, as the publication check reads it)."""
    if qualifier and anonymise.places(qualifier, documents.pseudonyms(review)):
        raise FamilyError(
            "The qualifier has a name from the review's pseudonym map in it. Describe the family "
            "member by their role only, such as “maternal” or “older”",
            "qualifier",
        )


def _planned(review: Review, values: dict[str, Any], by: User) -> dict[str, Any]:
    """The plan's values checked: a qualifier with no name, a contact from this review's team,
    a reason when the family member is not to be contacted (and none otherwise)."""
    if not may_plan(by, review):
        raise ReviewError("Only the lead reviewer or an SBNI officer changes the family plan.")
    qualifier = values.get("qualifier", "").strip()
    check_qualifier(review, qualifier)
    contact: ReviewMember | None = values.get("contact")
    if contact is not None and contact.review_id != review.pk:
        raise FamilyError("Select a member of this review's team as the contact", "contact")
    reason = values.get("not_contacted_reason", "").strip()
    if values["participation"] == Participation.NOT_TO_BE_CONTACTED:
        if not reason:
            raise FamilyError(
                "Say why the family member is not to be contacted", "not_contacted_reason"
            )
    else:
        reason = ""
    return {
        "role": values["role"],
        "qualifier": qualifier,
        "participation": values["participation"],
        "not_contacted_reason": reason,
        "contact": contact,
        "arrangements": values.get("arrangements", "").strip(),
    }


def _audited(member: FamilyMember) -> dict[str, Any]:
    """What the audit trail keeps of a family member: the role and the participation only."""
    return {"role": member.role, "participation": member.participation}


@transaction.atomic
def add_family_member(
    review: Review, values: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> FamilyMember:
    """Add a family member, by role, to the review's family liaison plan."""
    review = locked_review(review)
    member = FamilyMember.objects.create(review=review, added_by=by, **_planned(review, values, by))
    audit_review(
        "family_member_added",
        review,
        by,
        f"Added {member.get_role_display()} to the family liaison plan",
        request,
        **_audited(member),
    )
    return member


@transaction.atomic
def change_family_member(
    member: FamilyMember,
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> FamilyMember:
    """Change a family member's entry of the plan: their participation, contact and
    arrangements. An entry sent again unchanged saves and audits nothing."""
    review = locked_review(member.review)
    member = FamilyMember.objects.select_for_update().get(pk=member.pk)
    before = _audited(member)
    fields = _planned(review, values, by)
    changed = [name for name, value in fields.items() if getattr(member, name) != value]
    if not changed:
        return member  # the same entry sent again: nothing to save or to audit
    for name in changed:
        setattr(member, name, fields[name])
    member.save(update_fields=changed)
    after = _audited(member)
    audit_review(
        "family_member_changed",
        review,
        by,
        f"Changed the family liaison plan for {member.get_role_display()}",
        request,
        **{key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )
    return member


@transaction.atomic
def record_contact(
    review: Review, values: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> FamilyContact:
    """Record a contact with the family in the review's log. ``values["by"]`` is who made the
    contact (a team member or an SBNI officer); ``by`` is who records it."""
    if not may_record(by, review):
        raise ReviewError("Only the review team or an SBNI officer records contacts.")
    review = locked_review(review)
    members: list[FamilyMember] = list(values["members"])
    if not members:
        raise FamilyError("Select who in the family the contact was with", "members")
    if any(member.review_id != review.pk for member in members):
        raise FamilyError("Select family members of this review's plan", "members")
    made_by: User = values["by"]
    if not contact_people(review).filter(pk=made_by.pk).exists():
        raise FamilyError(
            "Select a member of the review team or an SBNI officer as who made the contact", "by"
        )
    contact = FamilyContact.objects.create(
        review=review,
        date=values["date"],
        by=made_by,
        method=values["method"],
        purpose=values["purpose"],
        shared=values.get("shared", "").strip(),
        wishes=values.get("wishes", "").strip(),
        recorded_by=by,
    )
    contact.members.set(members)
    roles = sorted(str(member.get_role_display()) for member in members)
    audit_review(
        "family_contact_recorded",
        review,
        by,
        f"Recorded a contact with the family: {contact.get_purpose_display().lower()}, "
        f"with {', '.join(roles)}",
        request,
        purpose=contact.purpose,
        method=contact.method,
        date=contact.date.isoformat(),
        roles=[member.role for member in members],
    )
    return contact


@transaction.atomic
def set_contact_shared(
    review: Review, shared: bool, *, by: User, request: HttpRequest | None = None
) -> Review:
    """An SBNI officer chooses whether the referring panel sees the name of the family's
    contact in the review team."""
    if not by.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise ReviewError("Only an SBNI officer decides what the referring panel is told.")
    review = locked_review(review)
    if review.family_contact_shared == shared:
        return review
    review.family_contact_shared = shared
    review.save(update_fields=["family_contact_shared"])
    audit_review(
        "family_contact_shared" if shared else "family_contact_withheld",
        review,
        by,
        "Shared the name of the family liaison contact with the referring panel"
        if shared
        else "Stopped sharing the name of the family liaison contact with the referring panel",
        request,
        shared=[not shared, shared],
    )
    return review


def liaison_contacts(review: Review) -> list[str]:
    """The names of the review team's contacts of the family, for the referring panel: only
    when an SBNI officer has chosen to share them."""
    if not review.family_contact_shared:
        return []
    return list(
        User.objects.filter(review_memberships__family__review=review)
        .order_by("full_name")
        .values_list("full_name", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class DraftState:
    """For one family member: the latest contact sharing the draft report with them, and the
    latest of their response to it."""

    member: FamilyMember
    shared: FamilyContact | None
    response: FamilyContact | None


def latest(
    contacts: Iterable[FamilyContact], member: FamilyMember, purpose: str
) -> FamilyContact | None:
    """The latest contact of ``purpose`` with ``member``, from contacts newest first."""
    return next(
        (
            contact
            for contact in contacts
            if contact.purpose == purpose and member in contact.members.all()
        ),
        None,
    )


def draft_states(members: list[FamilyMember], contacts: list[FamilyContact]) -> list[DraftState]:
    """Whether the draft report was shared with each family member, and their response."""
    return [
        DraftState(
            member,
            latest(contacts, member, Purpose.DRAFT_SHARED),
            latest(contacts, member, Purpose.DRAFT_RESPONSE),
        )
        for member in members
    ]


@dataclass(frozen=True)
class PublicationCheck:
    """The check from the records before publication: met, and what the page says of it."""

    met: bool
    message: str


def publication_check(review: Review) -> PublicationCheck:
    """Whether the log shows the family was told the date of publication (a contact of that
    purpose with a family member invited or taking part), or every family member on the plan
    declined or is not to be contacted. An empty plan does not meet it."""
    told = (
        FamilyContact.objects.filter(
            review=review,
            purpose=Purpose.PUBLICATION_DATE,
            members__participation__in=INVOLVED,
        )
        .order_by("-date")
        .first()
    )
    if told is not None:
        when = f"{told.date.day} {told.date:%B %Y}"
        return PublicationCheck(True, f"The family was told the date of publication on {when}.")
    participations = set(review.family.values_list("participation", flat=True))
    if not participations:
        return PublicationCheck(
            False,
            "The family liaison plan is empty. Add the family, by role, and record when they "
            "were told the date of publication.",
        )
    if participations <= set(NOT_INVOLVED):
        return PublicationCheck(
            True,
            "Every family member on the plan declined or is not to be contacted, so no one is "
            "told the date of publication.",
        )
    return PublicationCheck(
        False,
        "The family has not been told the date of publication. Record the contact that told a "
        "family member who is invited or taking part.",
    )
