"""Who is told (issue 19, item 4): the log of the SBNI's notifications to bodies outside the
portal, and the letters made for them from templates.

A notification names a body and, at most, a role: never a private person. A letter names the
case by its reference and panel only: never the child, never a member of the family, and none of
the decision's reasons, which are free text about them. Officers record; all SBNI staff read.
Every record, view and download is audited on the referral, and the referring panel does not see
those events in the referral's history (``AUDITED``).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import store_generated
from cmr_portal.kernel.pdf import html_to_pdf, render_html
from panels.models import SBNI_STAFF, Agency, SbniRole, User
from referrals.models import AgencyInvolvement, OutsideNotification, Referral
from referrals.workflow import ReferralError

Recipient = OutsideNotification.Recipient
Subject = OutsideNotification.Subject

# The referral's audit events about notifications outside the portal: the SBNI's own.
AUDITED = (
    "referral.notifications_viewed",
    "referral.letter_viewed",
    "referral.letter_exported",
    "referral.notification_recorded",
    "referral.letter_downloaded",
)


class NoticeRefused(ReferralError):
    """A notification that cannot be recorded; ``field`` names the answer at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def reads_notices(user: User) -> bool:
    """All SBNI staff read the log and the letters."""
    return user.has_sbni_role(*SBNI_STAFF)


def records_notices(user: User) -> bool:
    """SBNI officers record notifications and letters sent."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER)


def senders() -> QuerySet[User]:
    """Who may be named as having sent a notification: the SBNI's people, by name."""
    return (
        User.objects.filter(groups__name__in=SBNI_STAFF, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def agencies_involved(referral: Referral) -> list[AgencyInvolvement]:
    """The agencies involved in the referral, each once (its first involvement), by name."""
    involvements: dict[int, AgencyInvolvement] = {}
    for involvement in referral.agencies.select_related("agency").order_by("id"):
        involvements.setdefault(involvement.agency_id, involvement)
    return sorted(involvements.values(), key=lambda involvement: involvement.agency.name)


def log(referral: Referral) -> QuerySet[OutsideNotification]:
    """The referral's notifications, latest sent first, with what the log shows of each."""
    return referral.outside_notifications.select_related("agency", "sent_by", "letter")


@dataclass(frozen=True)
class NoticeValues:
    """A notification as recorded: to whom, when, by whom, what and how. ``agency`` goes only
    with an agency, ``organisation`` only with another organisation; ``description`` says what
    was told, and is needed when it was something else."""

    recipient: str
    sent_on: datetime.date
    sent_by: User
    subject: str
    method: str
    agency: Agency | None = None
    organisation: str = ""
    role: str = ""
    description: str = ""


@dataclass(frozen=True)
class Letter:
    """A letter from a template to one outside body about a referral. ``body`` is the template
    of what the letter says, which the page previews and the PDF prints, between the heading
    and the signature of ``letters/_letter.html``."""

    referral: Referral
    recipient: str
    subject: str
    name: str  # what the letter is, in a sentence: "decision letter"
    slug: str  # the end of the PDF's name
    body: str
    context: dict[str, Any] = field(default_factory=dict)
    agency: Agency | None = None

    @property
    def to(self) -> str:
        """The body the letter goes to, by name."""
        return self.agency.name if self.agency is not None else str(Recipient(self.recipient).label)

    @property
    def filename(self) -> str:
        return f"{self.referral.reference}-{self.slug}.pdf"

    def page_context(
        self, *, dated: datetime.date, signed_by: User, role: str = ""
    ) -> dict[str, Any]:
        """What the letter's templates read: the case by its reference and panel only."""
        return {
            **self.context,
            "referral": self.referral,
            "reference": self.referral.reference,
            "title": f"{self.name.capitalize()} to {self.to}, referral {self.referral.reference}",
            "body": self.body,
            "dated": dated,
            "signed_by": signed_by,
            "addressee": f"{role}, {self.to}" if role else self.to,
        }

    def pdf(self, *, dated: datetime.date, signed_by: User, role: str = "") -> bytes:
        context = self.page_context(dated=dated, signed_by=signed_by, role=role)
        return html_to_pdf(render_html("letters/letter.html", context))


def decision_letter(involvement: AgencyInvolvement) -> Letter:
    """The SBNI Chair's decision, as a letter to an agency involved; ReferralError while the
    referral has no decision."""
    referral = involvement.referral
    decision = referral.current_decision if referral.status == Referral.Status.DECIDED else None
    if decision is None:
        raise ReferralError(
            "The SBNI Chair has not decided on this referral yet, so there is no decision to "
            "tell the agencies of."
        )
    short = involvement.agency.short_name or f"agency-{involvement.agency_id}"
    return Letter(
        referral=referral,
        recipient=Recipient.AGENCY,
        subject=Subject.DECISION,
        name="decision letter",
        slug=f"decision-{short}",
        body="letters/_decision.html",
        context={"decision": decision, "agency": involvement.agency},
        agency=involvement.agency,
    )


def _check(referral: Referral, values: NoticeValues, by: User) -> None:
    if not records_notices(by):
        raise NoticeRefused("Only an SBNI officer records notifications.")
    if referral.submitted_at is None:
        raise NoticeRefused("The referral has not been sent to the SBNI.")
    if values.sent_on > timezone.localdate():
        raise NoticeRefused("The date sent must be today or in the past", "sent_on")
    if not senders().filter(pk=values.sent_by.pk).exists():
        raise NoticeRefused("Choose the SBNI person who sent it", "sent_by")
    if values.recipient == Recipient.AGENCY and (
        values.agency is None or not referral.agencies.filter(agency=values.agency).exists()
    ):
        raise NoticeRefused("Choose an agency involved in this referral", "agency")
    if values.recipient == Recipient.OTHER and not values.organisation.strip():
        raise NoticeRefused("Enter the organisation that was told", "organisation")
    if values.subject == Subject.OTHER and not values.description.strip():
        raise NoticeRefused("Describe what was told", "description")


@transaction.atomic
def record_notification(
    referral: Referral,
    values: NoticeValues,
    *,
    by: User,
    letter: Letter | None = None,
    request: HttpRequest | None = None,
) -> OutsideNotification:
    """An SBNI officer records that a body outside the portal was told. With ``letter``, the
    letter is made again as sent (dated the day sent, signed by its sender, to the role given)
    and kept as a Document with the notification."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    _check(referral, values, by)
    notification = OutsideNotification(
        referral=referral,
        recipient=values.recipient,
        agency=values.agency if values.recipient == Recipient.AGENCY else None,
        organisation=values.organisation.strip() if values.recipient == Recipient.OTHER else "",
        role=values.role.strip(),
        sent_on=values.sent_on,
        sent_by=values.sent_by,
        subject=values.subject,
        description=values.description.strip(),
        method=values.method,
        recorded_by=by,
    )
    if letter is not None:
        pdf = letter.pdf(dated=values.sent_on, signed_by=values.sent_by, role=notification.role)
        notification.letter = store_generated(pdf, name=letter.filename, by=by)
    notification.save()
    record(
        "referral.notification_recorded",
        actor=by,
        target=referral,
        summary=f"Recorded a notification of referral {referral.reference} to "
        f"{notification.body}: {notification.get_subject_display()}",
        changes={
            "notification": str(notification.uuid),
            "recipient": notification.recipient,
            "body": notification.body,
            "sent_on": notification.sent_on.isoformat(),
            "subject": notification.subject,
            "method": notification.method,
            "letter": str(notification.letter.uuid) if notification.letter else None,
        },
        request=request,
    )
    return notification
