"""The publication version's own steps: the pseudonym map and the pre-publication sign-off, refused
while the printed text still shows an original name (``documents.publication_places``) or a
parallel proceeding holds publication back (``referrals.proceedings.embargoes``), and the notice
of publication to the Department of Health once it is signed off."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cmr_portal.kernel.words import counted
from panels.models import SbniRole, User
from referrals.models import OutsideNotification
from referrals.notices import Letter
from referrals.proceedings import embargoes, held_because
from reviews import clock, family
from reviews.documents import publication_places
from reviews.models import PUBLICATION_CHECKS, Pseudonym, PublicationSignOff, Review
from reviews.services import ReviewError, audit_review, leads, locked_review


def may_publish(user: User, review: Review) -> bool:
    """The lead reviewer or an SBNI officer keeps the pseudonym map; an officer signs off."""
    return user.has_sbni_role(SbniRole.SBNI_OFFICER) or leads(user, review)


@transaction.atomic
def set_pseudonym(
    review: Review,
    *,
    original: str,
    replacement: str,
    by: User,
    request: HttpRequest | None = None,
) -> Pseudonym:
    """Add or change a pseudonym. Any change undoes the sign-off: the checks must be made again."""
    if not may_publish(by, review):
        raise ReviewError("Only the lead reviewer or an SBNI officer keeps the pseudonyms.")
    review = locked_review(review)
    pseudonym, _ = Pseudonym.objects.update_or_create(
        review=review,
        original=original.strip(),
        defaults={"replacement": replacement.strip(), "added_by": by},
    )
    PublicationSignOff.objects.filter(review=review).delete()
    clock.store_due_date(review)
    # The original is identifying: the audit trail names the replacement only.
    audit_review(
        "pseudonym_set", review, by, f"Set the pseudonym '{pseudonym.replacement}'", request
    )
    return pseudonym


@transaction.atomic
def remove_pseudonym(pseudonym: Pseudonym, *, by: User, request: HttpRequest | None = None) -> None:
    review = locked_review(pseudonym.review)
    if not may_publish(by, review):
        raise ReviewError("Only the lead reviewer or an SBNI officer keeps the pseudonyms.")
    PublicationSignOff.objects.filter(review=review).delete()
    clock.store_due_date(review)
    audit_review(
        "pseudonym_removed", review, by, f"Removed the pseudonym '{pseudonym.replacement}'", request
    )
    pseudonym.delete()


@transaction.atomic
def sign_off_publication(
    review: Review, checks: list[str], *, by: User, request: HttpRequest | None = None
) -> PublicationSignOff:
    """An SBNI officer confirms every check, once the report is approved, while no parallel
    proceeding holds publication back (``proceedings.embargoes``), the family's records show
    they were told the date of publication or take no part (``family.publication_check``), and
    the check of the printed text (``documents.publication_places``) finds no original name
    left."""
    if not by.has_sbni_role(SbniRole.SBNI_OFFICER):
        raise ReviewError("Only an SBNI officer signs off the publication version.")
    review = locked_review(review)
    if review.stage not in (Review.Stage.FOLLOW_UP, Review.Stage.CLOSED):
        raise ReviewError("The publication version is signed off once the report is approved.")
    if held := embargoes(review.referral):
        raise ReviewError(held_because(held))
    missing = [label for key, label in PUBLICATION_CHECKS if key not in checks]
    if missing:
        raise ReviewError(f"Confirm every check: {missing[0]}")
    if not (told := family.publication_check(review)).met:
        raise ReviewError(told.message)
    if places := publication_places(review):
        raise ReviewError(
            f"The publication version still shows an original name, or something close to one, "
            f"in {counted(len(places), 'place')} (listed on this "
            "page). Change the text, or the pseudonym map, before signing off"
        )
    sign_off, _ = PublicationSignOff.objects.update_or_create(
        review=review,
        defaults={
            "checks": sorted(checks),
            "signed_off_by": by,
            "signed_off_at": timezone.now(),
        },
    )
    clock.store_due_date(review)
    audit_review(
        "publication_signed_off", review, by, "Signed off the publication version", request
    )
    return sign_off


def publication_notice(review: Review) -> Letter:
    """Notice of publication to the Department of Health, as a letter on the review's referral:
    made once the publication version is signed off (ReviewError before)."""
    sign_off = PublicationSignOff.objects.filter(review=review).first()
    if sign_off is None:
        raise ReviewError(
            "The publication version is not signed off yet, so there is no publication to give "
            "notice of."
        )
    approved = review.stage_changes.filter(to_stage=Review.Stage.FOLLOW_UP).first()
    return Letter(
        referral=review.referral,
        recipient=OutsideNotification.Recipient.DEPARTMENT_OF_HEALTH,
        subject=OutsideNotification.Subject.PUBLICATION,
        name="notice of publication",
        slug="notice-of-publication",
        body="letters/_publication.html",
        context={
            "review": review,
            "sign_off": sign_off,
            "approved_on": approved.at if approved else None,
        },
    )
