"""Every change to a referral: one function each, with its audit event."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.documents.services import store_upload
from cmr_portal.kernel.notifications.services import notify
from panels.access import holders_of
from panels.models import Panel, SbniRole, User
from referrals.deadlines import IN_HAND, store_due_date, store_due_dates
from referrals.models import (
    AgencyInvolvement,
    InformationRequest,
    Referral,
    ReferralDocument,
    ReferralQuerySet,
    Sibling,
    Timescale,
)
from referrals.workflow import ReferralError, begin, move


class SubmissionIncomplete(ReferralError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The referral cannot be sent yet.")
        self.problems = problems


# What must be answered before a referral is sent, with the message when it is not.
REQUIRED_AT_SUBMISSION = {
    "child_initials": "Enter the child's initials",
    "child_gender": "Select the child's gender",
    "event_type": "Select whether the child died or was significantly harmed",
    "event_date": "Enter the date of the event",
    "agency_aware_date": "Enter the date an agency became aware",
    "event_summary": "Enter a factual summary of what happened",
    "child_on_register": "Say whether the child is or has been on the child protection register",
    "child_looked_after": "Say whether the child is or has been looked after",
    "reg17_harm": "Answer regulation 17(2)(a)",
    "reg17_abuse": "Answer regulation 17(2)(b)(i)",
    "reg17_register": "Answer regulation 17(2)(b)(ii)",
    "reg17_looked_after": "Answer regulation 17(2)(b)(iii)",
    "reg17_concerns": "Answer regulation 17(2)(c)",
    "reg17_learning": "Answer regulation 17(3)",
    "notifier_name": "Enter the notifying officer's name",
    "notifier_role": "Enter the notifying officer's role",
    "notifier_email": "Enter the notifying officer's email address",
}


DATE_LABELS = {
    "child_date_of_birth": "child's date of birth",
    "event_date": "date of the event",
    "agency_aware_date": "date an agency became aware",
    "child_registered_from": "date the child was placed on the register",
    "child_registered_to": "date the child came off the register",
    "child_looked_after_from": "date the child became looked after",
    "child_looked_after_to": "date the child stopped being looked after",
}


def allocate_reference(panel: Panel, year: int) -> str:
    """The next reference of a panel in a year, such as BEL-2026-0007, without races.

    One statement takes the next number: concurrent callers queue on the counter's row.
    """
    table = connection.ops.quote_name("referrals_referencecounter")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (panel_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (panel_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [panel.pk, year],
        )
        (number,) = cursor.fetchone()
    return f"{panel.code}-{year}-{number:04d}"


def date_problems(referral: Referral, today: datetime.date | None = None) -> dict[str, str]:
    """The rules between dates, checked on every save, draft or not."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    for field, label in DATE_LABELS.items():
        value = getattr(referral, field)
        if value is not None and value > today:
            problems[field] = f"The {label} must be today or in the past"
    born, event, aware = (
        referral.child_date_of_birth,
        referral.event_date,
        referral.agency_aware_date,
    )
    if born and event and event < born and "event_date" not in problems:
        problems["event_date"] = "The date of the event must be on or after the child's birth"
    if event and aware and aware < event and "agency_aware_date" not in problems:
        problems["agency_aware_date"] = (
            "The date an agency became aware must be on or after the date of the event"
        )
    return problems


def submission_problems(referral: Referral) -> dict[str, str]:
    problems = {
        field: message
        for field, message in REQUIRED_AT_SUBMISSION.items()
        if getattr(referral, field) in (None, "")
    }
    if referral.child_date_of_birth is None and referral.child_estimated_age is None:
        problems["child_date_of_birth"] = "Enter the child's date of birth or estimated age"
    if not referral.agencies.exists():
        problems["agencies"] = "Add at least one agency that was involved with the child"
    return {**problems, **date_problems(referral)}


@transaction.atomic
def create_referral(panel: Panel, *, by: User, request: HttpRequest | None = None) -> Referral:
    if not by.has_perm("panels.log_referral", panel):
        raise ReferralError("You cannot log a referral for this panel.")
    referral = Referral.objects.create(
        panel=panel,
        created_by=by,
        reference=allocate_reference(panel, timezone.localdate().year),
    )
    record(
        "referral.created",
        actor=by,
        target=referral,
        summary=f"Started referral {referral.reference}",
        request=request,
    )
    return referral


def audit_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def field_changes(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Each of ``values`` that differs from the instance's: [before, after], for the audit."""
    return {
        name: [audit_value(getattr(instance, name)), audit_value(value)]
        for name, value in values.items()
        if getattr(instance, name) != value
    }


@transaction.atomic
def update_referral(
    referral: Referral,
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Referral:
    """Save some of a draft's answers, incomplete or not; record each field that changed."""
    referral = _editable_draft(referral)
    changes = field_changes(referral, values)
    if not changes:
        return referral
    for field, value in values.items():
        setattr(referral, field, value)
    if problems := date_problems(referral):
        raise SubmissionIncomplete(problems)
    referral.regulation_17_indicator = referral.regulation_17.indicator
    referral.save(update_fields=[*changes, "regulation_17_indicator", "updated_at"])
    record(
        "referral.updated",
        actor=by,
        target=referral,
        # The fields by name are in ``changes``: the history shows them with their labels.
        summary=f"Changed answers on referral {referral.reference}",
        changes=changes,
        request=request,
    )
    return referral


@transaction.atomic
def submit_referral(
    referral: Referral, *, by: User, request: HttpRequest | None = None
) -> Referral:
    referral = begin(referral, "submit", by=by)
    if problems := submission_problems(referral):
        raise SubmissionIncomplete(problems)
    referral.submitted_at = timezone.now()
    referral.save(update_fields=["submitted_at"])
    record(
        "referral.submitted",
        actor=by,
        target=referral,
        summary=f"Sent referral {referral.reference} to the SBNI",
        changes={"status": move(referral, "submit")},
        request=request,
    )
    notify(
        sbni_officers(),
        message=f"New referral {referral.reference} from {referral.panel.name}",
        url=reverse("referrals:overview", args=[referral.uuid]),
    )
    return referral


@transaction.atomic
def withdraw_referral(
    referral: Referral,
    *,
    reason: str,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """The panel withdraws a referral, with a reason, while no decision has been made."""
    referral = begin(referral, "withdraw", by=by, seen=seen)
    if not reason.strip():
        raise ReferralError("Enter the reason for withdrawing the referral")
    referral.withdrawn_at = timezone.now()
    referral.withdrawal_reason = reason.strip()
    referral.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    record(
        "referral.withdrawn",
        actor=by,
        target=referral,
        summary=f"Withdrew referral {referral.reference}",
        changes={"status": move(referral, "withdraw"), "reason": [None, reason.strip()]},
        request=request,
    )
    return referral


def _editable_draft(referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.DRAFT:
        raise ReferralError(referral.why_unchangeable)
    return referral


ReferralPart = Sibling | AgencyInvolvement


@transaction.atomic
def add_part(
    referral: Referral,
    model: type[ReferralPart],
    values: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> ReferralPart:
    """Add a sibling or an agency involved to a draft."""
    referral = _editable_draft(referral)
    part = model.objects.create(referral=referral, **values)
    record(
        f"referral.{model._meta.model_name}_added",
        actor=by,
        target=referral,
        summary=f"Added {model._meta.verbose_name} {part} to {referral.reference}",
        changes={name: [None, audit_value(value)] for name, value in values.items()},
        request=request,
    )
    return part


@transaction.atomic
def remove_part(part: ReferralPart, *, by: User, request: HttpRequest | None = None) -> None:
    referral = _editable_draft(part.referral)
    record(
        f"referral.{part._meta.model_name}_removed",
        actor=by,
        target=referral,
        summary=f"Removed {part._meta.verbose_name} {part} from {referral.reference}",
        request=request,
    )
    part.delete()


@transaction.atomic
def add_document(
    referral: Referral,
    upload: UploadedFile,
    *,
    description: str,
    by: User,
    request: HttpRequest | None = None,
) -> ReferralDocument:
    """Attach a checked upload to a draft. DocumentRefused says why a file is not kept."""
    referral = _editable_draft(referral)
    attached = ReferralDocument.objects.create(
        referral=referral, document=store_upload(upload, by=by), description=description
    )
    record(
        "referral.document_added",
        actor=by,
        target=referral,
        summary=f"Added document {attached} to {referral.reference}",
        changes={"document": str(attached.document.uuid), "size": attached.document.size},
        request=request,
    )
    return attached


@transaction.atomic
def remove_document(
    attached: ReferralDocument, *, by: User, request: HttpRequest | None = None
) -> None:
    """Take a document off a draft. The file stays in storage, as the audit trail names it."""
    referral = _editable_draft(attached.referral)
    record(
        "referral.document_removed",
        actor=by,
        target=referral,
        summary=f"Removed document {attached} from {referral.reference}",
        changes={"document": str(attached.document.uuid)},
        request=request,
    )
    attached.delete()


def record_download(
    attached: ReferralDocument, *, by: User, request: HttpRequest | None = None
) -> None:
    record(
        "referral.document_downloaded",
        actor=by,
        target=attached.referral,
        summary=f"Downloaded document {attached} of {attached.referral.reference}",
        changes={"document": str(attached.document.uuid)},
        request=request,
    )


@transaction.atomic
def acknowledge_referral(
    referral: Referral, *, by: User, request: HttpRequest | None = None
) -> Referral:
    """An SBNI officer confirms the SBNI has received the referral; its panel is told."""
    referral = begin(referral, "acknowledge", by=by)
    if referral.acknowledged_at is not None:
        raise ReferralError("This referral has already been acknowledged.")
    referral.acknowledged_at = timezone.now()
    referral.acknowledged_by = by
    referral.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    store_due_date(referral)  # the CMR Panel's step follows
    record(
        "referral.acknowledged",
        actor=by,
        target=referral,
        summary=f"Acknowledged receipt of referral {referral.reference}",
        request=request,
    )
    notify(
        panel_members(referral.panel),
        message=f"The SBNI has acknowledged referral {referral.reference}",
        url=reverse("referrals:overview", args=[referral.uuid]),
    )
    return referral


def sbni_officers() -> QuerySet[User]:
    return User.objects.filter(groups__name=SbniRole.SBNI_OFFICER, is_active=True)


def panel_members(panel: Panel) -> list[User]:
    """The people who see a panel's cases: told of what happens to its referrals."""
    held = holders_of("panels.view_panel_cases", Panel).get(str(panel.pk), [])
    return list(User.objects.filter(pk__in=held))


@transaction.atomic
def request_information(
    referral: Referral,
    *,
    question: str,
    due_date: datetime.date,
    by: User,
    seen: str | None = None,
    request: HttpRequest | None = None,
) -> InformationRequest:
    """An SBNI officer asks the panel for more; the referral waits for the answer."""
    referral = begin(referral, "request_information", by=by, seen=seen)
    if due_date <= timezone.localdate():
        raise ReferralError("The answer must be due after today")
    asked = InformationRequest.objects.create(
        referral=referral,
        question=question,
        due_date=due_date,
        asked_by=by,
        status_before=referral.status,
    )
    record(
        "referral.information_requested",
        actor=by,
        target=referral,
        summary=f"Asked {referral.panel.name} for information on {referral.reference}",
        changes={
            "status": move(referral, "request_information"),
            "due_date": due_date.isoformat(),
        },
        request=request,
    )
    notify(
        panel_members(referral.panel),
        message=f"The SBNI has asked a question about referral {referral.reference}",
        url=reverse("referrals:overview", args=[referral.uuid]),
    )
    return asked


@transaction.atomic
def answer_information_request(
    asked: InformationRequest,
    *,
    answer: str,
    files: Sequence[UploadedFile] = (),
    by: User,
    request: HttpRequest | None = None,
) -> InformationRequest:
    """The panel answers, with any documents; the referral goes back to where it was."""
    answered = ReferralError("This question has already been answered.")
    if InformationRequest.objects.filter(pk=asked.pk, answered_at__isnull=False).exists():
        raise answered
    referral = begin(asked.referral, "answer_information", by=by)
    asked = InformationRequest.objects.select_for_update().get(pk=asked.pk)
    if asked.answered_at is not None:
        raise answered
    asked.answer = answer
    asked.answered_by = by
    asked.answered_at = timezone.now()
    asked.save(update_fields=["answer", "answered_by", "answered_at"])
    attached = [
        ReferralDocument.objects.create(
            referral=referral, document=store_upload(upload, by=by), information_request=asked
        )
        for upload in files
    ]
    record(
        "referral.information_given",
        actor=by,
        target=referral,
        summary=f"The panel answered the SBNI's question on {referral.reference}",
        changes={
            "status": move(referral, "answer_information", asked.status_before),
            "documents": [str(each.document.uuid) for each in attached],
        },
        request=request,
    )
    notify(
        sbni_officers(),
        message=f"{referral.panel.name} has answered about referral {referral.reference}",
        url=reverse("referrals:overview", args=[referral.uuid]),
    )
    return asked


@transaction.atomic
def change_timescale(
    step: str, values: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> Timescale:
    """An administrator changes a step's target (``values``: ``working_days``,
    ``pauses_while_waiting``, ``is_placeholder``); every referral in the SBNI's hands takes the
    due date that follows (``refresh_due_dates``)."""
    in_hand = lock_referrals_in_hand()
    timescale = Timescale.objects.select_for_update().get(step=step)
    changes = field_changes(timescale, values)
    if not changes:
        return timescale
    for name, value in values.items():
        setattr(timescale, name, value)
    timescale.save(update_fields=list(changes))
    store_due_dates(in_hand)
    record(
        "timescale.changed",
        actor=by,
        target=timescale,
        summary=f"Changed the timescale for {timescale.get_step_display()}",
        changes=changes,
        request=request,
    )
    return timescale


@transaction.atomic
def refresh_due_dates() -> int:
    """Work the due date of every referral in the SBNI's hands out again and store it; how many
    changed. For a change that reaches every clock: a timescale (``change_timescale``), or
    Northern Ireland's calendar in a new version of the ``holidays`` package."""
    in_hand = lock_referrals_in_hand()
    before = dict(in_hand.values_list("pk", "due_on"))
    after = store_due_dates(in_hand)
    return sum(1 for pk, due in after.items() if before.get(pk) != due)


def lock_referrals_in_hand() -> ReferralQuerySet:
    """Lock every referral in the SBNI's hands, in order of key; the query set that reads them
    again.

    Locked before the timescales, as every change of status locks its referral and then reads
    the timescales locked (``deadlines.store_due_dates``): a change of status in progress ends
    before the caller goes on, and one that starts later waits for the caller's transaction, so
    no due date is left worked out from an old target.
    """
    in_hand = Referral.objects.filter(status__in=IN_HAND)
    list(in_hand.select_for_update().order_by("pk").values_list("pk", flat=True))
    return in_hand
