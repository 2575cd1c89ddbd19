"""Changes to a review's own timescale: pausing and resuming the clock, extensions asked and
decided, and the targets changed by administrators. Each stores the due date that follows
(``clock.store_due_date``) and writes its audit event.

Who does what: the lead reviewer or an SBNI officer pauses and resumes the clock and asks for an
extension; the CMR Panel chair approves or refuses an extension, with reasons either way.
"""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.notifications.services import notify
from panels.models import SbniRole, User
from referrals.models import Proceeding
from reviews import clock
from reviews.models import ClockPause, Extension, Review, ReviewTimescale
from reviews.services import ReviewError, audit_review, leads, locked_review, review_url

Step = ReviewTimescale.Step


def may_keep_clock(user: User, review: Review) -> bool:
    """The lead reviewer or an SBNI officer pauses, resumes and asks for extensions."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER) or leads(user, review)


def may_decide_extension(user: User) -> bool:
    return user.has_sbni_role(SbniRole.CMR_PANEL_CHAIR)


def _keeping(review: Review, by: User) -> Review:
    if not may_keep_clock(by, review):
        raise ReviewError(
            "Only the lead reviewer or an SBNI officer can change the review's clock."
        )
    review = locked_review(review)
    if review.status != Review.Status.OPEN:
        raise ReviewError("The review is closed: its clock has stopped.")
    return review


def _team_and_officers(review: Review) -> set[User]:
    officers = User.objects.filter(groups__name=SbniRole.SBNI_OFFICER, is_active=True)
    return {*(member.user for member in review.team.select_related("user")), *officers}


@transaction.atomic
def pause_clock(
    review: Review,
    reason: str,
    *,
    proceeding: Proceeding | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> ClockPause:
    """Stop the review's clock from today, with the reason and, when it waits for one, the open
    parallel proceeding of the review's case (a trial, an inquest); nothing of the review's own
    steps is due or reminded until it is resumed.

    Raises ReviewError when ``by`` may not, the review is closed, the clock already stands, or
    the proceeding is not an open one of this case.
    """
    review = _keeping(review, by)
    if not reason.strip():
        raise ReviewError("Say why the clock is paused")
    if proceeding is not None and (
        proceeding.referral_id != review.referral_id or not proceeding.is_open
    ):
        raise ReviewError("Choose a parallel proceeding of this case that is still open")
    try:
        with transaction.atomic():
            pause = ClockPause.objects.create(
                review=review,
                reason=reason.strip(),
                proceeding=proceeding,
                started_on=timezone.localdate(),
                started_by=by,
            )
    except IntegrityError:
        raise ReviewError("The clock is already paused. Resume it before pausing again.") from None
    clock.store_due_date(review)
    audit_review(
        "clock_paused",
        review,
        by,
        "Paused the review's clock" + (f" for the {proceeding.phrase}" if proceeding else ""),
        request,
        reason=reason,
    )
    notify(
        _team_and_officers(review),
        message=f"Review {review.reference}: the clock is paused",
        url=review_url(review, "timescale"),
    )
    return pause


@transaction.atomic
def resume_clock(review: Review, *, by: User, request: HttpRequest | None = None) -> ClockPause:
    """Start the clock again from today; the due date of the step running moves later by the
    working days it stood. Raises ReviewError when the clock is not paused."""
    review = _keeping(review, by)
    pause = ClockPause.objects.select_for_update().filter(review=review, ended_on=None).first()
    if pause is None:
        raise ReviewError("The clock is not paused.")
    pause.ended_on, pause.ended_by = timezone.localdate(), by
    pause.save(update_fields=["ended_on", "ended_by"])
    clock.store_due_date(review)
    audit_review(
        "clock_resumed",
        review,
        by,
        "Resumed the review's clock",
        request,
        paused=[str(pause.started_on), str(pause.ended_on)],
    )
    notify(
        _team_and_officers(review),
        message=f"Review {review.reference}: the clock is running again",
        url=review_url(review, "timescale"),
    )
    return pause


@transaction.atomic
def request_extension(
    review: Review,
    new_due: datetime.date,
    reason: str,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Extension:
    """Ask the CMR Panel chair to move the due date of the step running to ``new_due``.

    Raises ReviewError when ``by`` may not, no step is running, the clock is paused (nothing is
    due), an extension is already waiting, or ``new_due`` is not after the current due date.
    """
    review = _keeping(review, by)
    if not review.due_step:
        raise ReviewError("No step of the review's timescale is running: nothing to extend.")
    if review.due_on is None:
        raise ReviewError("The clock is paused: nothing is due. Resume it before asking.")
    if not reason.strip():
        raise ReviewError("Say why the review needs more time")
    if new_due <= review.due_on:
        raise ReviewError(f"Enter a date after the current due date, {review.due_on:%-d %B %Y}")
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                review=review,
                step=review.due_step,
                due_before=review.due_on,
                new_due=new_due,
                reason=reason.strip(),
                requested_by=by,
            )
    except IntegrityError:
        raise ReviewError(
            "An extension is already waiting for the CMR Panel chair's decision."
        ) from None
    audit_review(
        "extension_requested",
        review,
        by,
        f"Asked to extend '{extension.get_step_display()}' to {new_due:%-d %B %Y}",
        request,
        due=[str(extension.due_before), str(new_due)],
        reason=reason,
    )
    notify(
        list(User.objects.filter(groups__name=SbniRole.CMR_PANEL_CHAIR, is_active=True)),
        message=f"Review {review.reference}: an extension is asked for",
        url=review_url(review, "extension", extension.uuid),
    )
    return extension


@transaction.atomic
def decide_extension(
    extension: Extension,
    *,
    approve: bool,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> Extension:
    """The CMR Panel chair approves or refuses an extension, with reasons either way. Approved,
    the step takes the new due date (``clock``).

    Raises ReviewError when ``by`` is not the CMR Panel chair, the request was decided already,
    no reason is given, or (approving) the review has moved on from the step or the step has
    started again since the request (a report returned and submitted again), or the step's due
    date has moved on to or past the date asked (a longer target set since).
    """
    if not may_decide_extension(by):
        raise ReviewError("Only the CMR Panel chair decides on an extension.")
    review = locked_review(extension.review)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.REQUESTED:
        raise ReviewError(
            f"This request was decided already: {extension.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ReviewError("Give the reasons for your decision")
    if approve and review.due_step != extension.step:
        raise ReviewError(
            f"The review has moved on from '{extension.get_step_display()}'. Refuse this "
            "request; a new one can be made for the step running now."
        )
    if approve and _asked_in_an_earlier_run(review, extension):
        raise ReviewError(
            f"This request was made before '{extension.get_step_display()}' started again. "
            "Refuse it; a new one can be made for the step running now."
        )
    if approve and review.due_on is not None and review.due_on >= extension.new_due:
        raise ReviewError(
            f"The step is now due on {review.due_on:%-d %B %Y}, not before the date asked. "
            "Refuse this request."
        )
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by, extension.decided_at = by, timezone.now()
    extension.decision_reason = reason.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    clock.store_due_date(review)
    verb = "Approved" if approve else "Refused"
    audit_review(
        f"extension_{extension.status}",
        review,
        by,
        f"{verb} the extension of '{extension.get_step_display()}' to "
        f"{extension.new_due:%-d %B %Y}",
        request,
        reason=reason,
    )
    notify(
        # The one who asked is often the lead reviewer: told once.
        {extension.requested_by, *(member.user for member in review.team.filter(role="lead"))},
        message=f"Review {review.reference}: extension {extension.get_status_display().lower()}",
        url=review_url(review, "timescale"),
    )
    return extension


def _asked_in_an_earlier_run(review: Review, extension: Extension) -> bool:
    """Whether the step running began after the extension was asked: a report returned and
    submitted again since, or its approval started again."""
    prefetch_related_objects([review], *clock.clock_records())
    current = clock.running(review, clock.timeline(review, clock.timescales()))
    asked = timezone.localdate(extension.requested_at)
    return current is not None and current.started is not None and current.started > asked


@transaction.atomic
def change_timescale(
    step: str, values: dict[str, Any], *, by: User, request: HttpRequest | None = None
) -> ReviewTimescale:
    """An administrator changes a step's target (``values``: ``length``, ``unit``,
    ``is_placeholder``); every open review takes the due date that follows."""
    open_reviews = Review.objects.filter(status=Review.Status.OPEN)
    list(open_reviews.select_for_update().order_by("pk").values_list("pk"))
    timescale = ReviewTimescale.objects.select_for_update().get(step=step)
    changes = {
        name: [getattr(timescale, name), value]
        for name, value in values.items()
        if getattr(timescale, name) != value
    }
    if not changes:
        return timescale
    for name, value in values.items():
        setattr(timescale, name, value)
    timescale.save(update_fields=list(changes))
    clock.store_due_dates(open_reviews)
    record(
        "timescale.changed",
        actor=by,
        target=timescale,
        summary=f"Changed the review timescale for {timescale.get_step_display()}",
        changes=changes,
        request=request,
    )
    return timescale


@transaction.atomic
def refresh_due_dates() -> int:
    """Work out every open review's due date again and store it; how many changed. For a change
    reaching every clock, such as a new version of the ``holidays`` package's calendar."""
    open_reviews = Review.objects.filter(status=Review.Status.OPEN)
    list(open_reviews.select_for_update().order_by("pk").values_list("pk"))
    return clock.store_due_dates(open_reviews)
