"""A review's real life (issue 19): the proceedings running alongside its case, its family's part
(the liaison plan and the log of contacts), the pauses of its clock and its extensions, and the
notifications to outside bodies. All fictional; family members by role only."""

import datetime

from cmr_portal.kernel.working_days import add_working_days
from cmr_portal.tooling.scale_data.base import Part
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import SbniRole
from referrals.models import OutsideNotification, Proceeding
from reviews.models import (
    ClockPause,
    Extension,
    FamilyContact,
    FamilyMember,
    Review,
    ReviewTimescale,
)

Stage = Review.Stage
# Shares of the reviews: with a proceeding alongside, with a pause, with an extension.
WITH_PROCEEDING, WITH_PAUSE, WITH_EXTENSION = 0.4, 0.2, 0.1
KINDS = [kind for kind in Proceeding.Kind.values if kind != Proceeding.Kind.OTHER]
FAMILY = [
    (FamilyMember.Role.MOTHER, FamilyMember.Participation.TAKING_PART),
    (FamilyMember.Role.FATHER, FamilyMember.Participation.INVITED),
]
CONTACTS = [
    FamilyContact.Purpose.INVITATION,
    FamilyContact.Purpose.CONTRIBUTION,
    FamilyContact.Purpose.DRAFT_SHARED,
]


class RealLife(Part):
    """For the reviews of ``state.review_rows``: a proceeding alongside four cases in ten
    (concluded once the review is approved), two family members and three contacts each, a
    pause on one in five (still paused on some being drafted), an approved extension of the
    draft report on one in ten, and the decision told to the Department of Health."""

    def write(self) -> None:
        """Write the five kinds of record and the family contacts' members."""
        self.proceedings()
        self.family()
        self.clocks()
        self.notifications()

    def proceedings(self) -> None:
        state, rng = self.state, self.state.rng
        rows = []
        for _, referral, opened, stage in state.review_rows:
            if rng.random() >= WITH_PROCEEDING:
                continue
            concluded = stage in (Stage.FOLLOW_UP, Stage.CLOSED)
            rows.append(
                (
                    referral.id,
                    rng.choice(KINDS),
                    Proceeding.Status.CONCLUDED if concluded else Proceeding.Status.UNDER_WAY,
                    (opened - datetime.timedelta(days=rng.randint(5, 60))).date(),
                    state.moment(opened, 300).date() if concluded else None,
                    "Fictional: the outcome." if concluded else "",
                    "Senior investigating officer",
                    "Police Service of Northern Ireland",
                    state.words(6, 20),
                    rng.random() < 0.3,
                    rng.random() < 0.5,
                    state.someone(SbniRole.SBNI_OFFICER),
                    opened,
                )
            )
        state.copier.copy(
            Proceeding,
            (
                "referral kind status started_on concluded_on outcome contact_role "
                "contact_organisation constraints blocks_publication shared_with_panel "
                "added_by added_at"
            ),
            rows,
        )

    def family(self) -> None:
        state = self.state
        member_id = first_id(FamilyMember)
        state.copier.copy(
            FamilyMember,
            "id review role participation arrangements added_by added_at",
            (
                (
                    member_id + n * len(FAMILY) + m,
                    pk,
                    role,
                    participation,
                    "Fictional: a letter, then a meeting.",
                    state.leads[pk],
                    opened,
                )
                for n, (pk, _, opened, _) in enumerate(state.review_rows)
                for m, (role, participation) in enumerate(FAMILY)
            ),
        )
        contact_id = first_id(FamilyContact)
        state.copier.copy(
            FamilyContact,
            "id review date by method purpose shared wishes recorded_by recorded_at",
            (
                (
                    contact_id + n * len(CONTACTS) + m,
                    pk,
                    state.moment(opened, 30 * (m + 1)).date(),
                    state.leads[pk],
                    FamilyContact.Method.MEETING,
                    purpose,
                    state.words(5, 15),
                    state.words(5, 15),
                    state.leads[pk],
                    opened,
                )
                for n, (pk, _, opened, _) in enumerate(state.review_rows)
                for m, purpose in enumerate(CONTACTS)
            ),
        )
        state.copier.copy(
            FamilyContact.members.through,
            "familycontact familymember",
            (
                (contact_id + n * len(CONTACTS) + m, member_id + n * len(FAMILY) + family)
                for n in range(len(state.review_rows))
                for m in range(len(CONTACTS))
                for family in range(len(FAMILY))
            ),
        )

    def clocks(self) -> None:
        state, rng = self.state, self.state.rng
        pauses, extensions = [], []
        for pk, _, opened, stage in state.review_rows:
            if rng.random() < WITH_PAUSE:
                started = state.moment(opened, 200).date()
                lasting = stage == Stage.DRAFTING and rng.random() < 0.25
                later = started + datetime.timedelta(days=rng.randint(5, 60))
                ended = None if lasting else min(later, state.now.date())
                pauses.append((pk, state.words(5, 15), started, state.leads[pk], ended))
            if rng.random() < WITH_EXTENSION:
                due = add_working_days(opened.date(), 130)
                decided = state.moment(opened, 150)
                extensions.append(
                    (
                        pk,
                        ReviewTimescale.Step.DRAFT_REPORT,
                        due,
                        due + datetime.timedelta(days=rng.randint(20, 90)),
                        state.words(5, 15),
                        state.leads[pk],
                        decided,
                        Extension.Status.APPROVED,
                        state.someone(SbniRole.CMR_PANEL_CHAIR),
                        decided,
                        state.words(5, 15),
                    )
                )
        state.copier.copy(
            ClockPause,
            "review reason started_on started_by ended_on ended_by",
            # An ended pause was ended by whoever started it.
            ((*row, row[3] if row[4] else None) for row in pauses),
        )
        state.copier.copy(
            Extension,
            (
                "review step due_before new_due reason requested_by requested_at status "
                "decided_by decided_at decision_reason"
            ),
            extensions,
        )

    def notifications(self) -> None:
        state = self.state
        state.copier.copy(
            OutsideNotification,
            "referral recipient sent_on sent_by subject method recorded_by recorded_at",
            (
                (
                    referral.id,
                    OutsideNotification.Recipient.DEPARTMENT_OF_HEALTH,
                    opened.date(),
                    officer,
                    OutsideNotification.Subject.DECISION,
                    OutsideNotification.Method.SECURE_EMAIL,
                    officer,
                    opened,
                )
                for _, referral, opened, _ in state.review_rows
                for officer in [state.someone(SbniRole.SBNI_OFFICER)]
            ),
        )
