"""The reviews the Chair's decisions opened: their teams and permissions, terms of reference,
agencies' reports, chronologies, themes and the stages they went through."""

import datetime
import itertools
import uuid
from collections.abc import Iterable

from cmr_portal.tooling.scale_data.base import CHRONOLOGY, STAGES, Part, ReviewRow
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import SbniRole
from referrals.models import Outcome
from reviews.models import (
    PURPOSES,
    AgencyReport,
    ChronologyEntry,
    Review,
    ReviewMember,
    StageChange,
    TermsOfReference,
)
from reviews.services import ROLE_PERMISSIONS as REVIEW_PERMISSIONS


class Reviews(Part):
    """A review for each referral whose decision required a CMR, into ``state.review_rows``, at
    a stage by its age; its team (leads into ``state.leads``) and its records."""

    def write(self) -> None:
        """Write the reviews, their teams and their records."""
        state = self.state
        rows = [row for row in state.referral_rows if row.outcome]
        review_id = first_id(Review)
        reviews: list[ReviewRow] = []
        for n, row in enumerate(rows):
            opened = state.decided_at(row)
            reviews.append((review_id + n, row, opened, self.review_stage(opened)))
        state.copier.copy(
            Review,
            (
                "id uuid reference referral decision route status stage opened_by opened_at "
                "closed_at closure_reason"
            ),
            (
                (
                    pk,
                    uuid.uuid4(),
                    f"CMR-{row.reference}",
                    row.id,
                    state.decision_ids[row.id],
                    Review.Route.ROUTE_17_3
                    if row.outcome == Outcome.CMR_17_3
                    else Review.Route.ROUTE_17_2,
                    Review.Status.CLOSED if stage == Review.Stage.CLOSED else Review.Status.OPEN,
                    stage,
                    state.someone(SbniRole.SBNI_CHAIR),
                    opened,
                    state.moment(opened, 700) if stage == Review.Stage.CLOSED else None,
                    "",
                )
                for pk, row, opened, stage in reviews
            ),
        )
        state.review_rows = reviews
        self.teams()
        self.review_records()

    def review_stage(self, opened: datetime.datetime) -> str:
        """A review's stage by its age: closed after two years, in follow-up after one."""
        state = self.state
        age = (state.now - opened).days
        stage = Review.Stage
        if age > 730:
            return stage.CLOSED
        if age > 365:
            return stage.FOLLOW_UP
        if age > 300:
            return state.rng.choice([stage.PANEL_SCRUTINY, stage.CHAIR_APPROVAL])
        return stage.DRAFTING

    def teams(self) -> None:
        state = self.state
        reviewers = [p.id for p in state.people["reviewer"]]
        teams = [(pk, state.rng.sample(reviewers, 3)) for pk, *_ in state.review_rows]
        state.leads = {pk: team[0] for pk, team in teams}
        state.copier.copy(
            ReviewMember,
            "uuid review user role appointed_by appointed_at",
            (
                (
                    uuid.uuid4(),
                    pk,
                    user,
                    ReviewMember.Role.LEAD if n == 0 else ReviewMember.Role.REVIEWER,
                    state.someone(SbniRole.SBNI_OFFICER),
                    state.start,
                )
                for pk, team in teams
                for n, user in enumerate(team)
            ),
        )
        state.grant(
            Review,
            (
                (user, pk, perm)
                for pk, team in teams
                for n, user in enumerate(team)
                for perm in REVIEW_PERMISSIONS[
                    ReviewMember.Role.LEAD if n == 0 else ReviewMember.Role.REVIEWER
                ]
            ),
        )

    def review_records(self) -> None:
        state = self.state
        rng = state.rng
        terms_id = first_id(TermsOfReference)
        state.copier.copy(
            TermsOfReference,
            (
                "id review version period_from period_to lines_of_enquiry purposes agreed_on "
                "saved_by saved_at"
            ),
            (
                (
                    terms_id + n,
                    pk,
                    1,
                    (opened - datetime.timedelta(days=700)).date(),
                    opened.date(),
                    state.words(40, 100),
                    [key for key, _ in PURPOSES],
                    state.moment(opened, 30).date(),
                    state.leads[pk],
                    state.moment(opened, 30),
                )
                for n, (pk, _, opened, _) in enumerate(state.review_rows)
            ),
        )
        in_scope = {pk: rng.sample(state.agencies, 3) for pk, *_ in state.review_rows}
        state.copier.copy(
            TermsOfReference.agencies.through,
            "termsofreference agency",
            (
                (terms_id + n, agency)
                for n, (pk, *_) in enumerate(state.review_rows)
                for agency in in_scope[pk]
            ),
        )
        contacts: dict[int, list[int]] = {}
        for person in state.people["agency"]:
            assert person.agency is not None
            contacts.setdefault(person.agency, []).append(person.id)
        state.copier.copy(
            AgencyReport,
            (
                "uuid review agency contact asked due_date status requested_by requested_at "
                "received_at accepted_at"
            ),
            (
                (
                    uuid.uuid4(),
                    pk,
                    agency,
                    rng.choice(contacts[agency]),
                    state.words(10, 30),
                    state.moment(opened, 60).date(),
                    *self.report_state(opened, stage, pk),
                )
                for pk, _, opened, stage in state.review_rows
                for agency in in_scope[pk]
            ),
        )
        state.copier.copy(
            ChronologyEntry,
            "uuid review date agency event source significance added_by added_at",
            self.chronology(in_scope),
        )
        state.copier.copy(
            Review.themes.through,
            "review learningtheme",
            (
                (pk, theme)
                for pk, *_ in state.review_rows
                for theme in rng.sample(state.themes, min(2, len(state.themes)))
            ),
        )
        state.copier.copy(
            StageChange,
            "review from_stage to_stage comments by at",
            (
                (
                    pk,
                    before,
                    after,
                    "Fictional comments.",
                    state.leads[pk],
                    state.moment(opened, 700),
                )
                for pk, _, opened, stage in state.review_rows
                for before, after in itertools.pairwise(STAGES)
                if STAGES.index(stage) >= STAGES.index(after)
            ),
        )

    def report_state(
        self, opened: datetime.datetime, stage: str, pk: int
    ) -> tuple[object, object, object, object, object]:
        """An agency's report's status, requester and when it was requested, received and
        accepted: still awaited on half the reviews in drafting, accepted on the others."""
        state = self.state
        requested = state.moment(opened, 20)
        if stage == Review.Stage.DRAFTING and pk % 2:
            return AgencyReport.Status.REQUESTED, state.leads[pk], requested, None, None
        received = state.moment(requested, 40)
        return (
            AgencyReport.Status.ACCEPTED,
            state.leads[pk],
            requested,
            received,
            state.moment(received, 10),
        )

    def chronology(self, in_scope: dict[int, list[int]]) -> Iterable[tuple[object, ...]]:
        """Each review's chronology entries, from the agencies in its scope (a review's id: their
        ids)."""
        state = self.state
        per_review = state.count(CHRONOLOGY) / max(1, len(state.review_rows))
        significance = ChronologyEntry.Significance.values
        for pk, _, opened, _ in state.review_rows:
            for _ in range(state.rng.randint(int(per_review * 0.5), int(per_review * 1.5))):
                yield (
                    uuid.uuid4(),
                    pk,
                    (opened - datetime.timedelta(days=state.rng.randint(1, 700))).date(),
                    state.rng.choice(in_scope[pk]),
                    state.words(8, 30),
                    "Agency records (fictional)",
                    state.rng.choice(significance),
                    state.leads[pk],
                    opened,
                )
