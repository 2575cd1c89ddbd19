"""The CMR Panel's weekly meetings, their agendas and recommendations, and the SBNI Chair's
decisions."""

import datetime
import uuid

from cmr_portal.tooling.scale_data.base import LIMBS, REVIEWS, Part
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import SbniRole
from referrals.models import (
    AgendaItem,
    Answer,
    Attendance,
    Decision,
    Meeting,
    Outcome,
    Recommendation,
    Referral,
)


class Meetings(Part):
    """A CMR Panel meeting each week; every referral it considered on an agenda with a
    recommendation; the Chair's decision on each decided one (into ``state.decision_ids``), of
    which the reviews' share required a CMR (``ReferralRow.outcome``)."""

    def write(self) -> None:
        """Write the meetings, attendance, agenda items, recommendations and decisions."""
        state = self.state
        first_meeting = state.start.date()
        weeks = (state.now.date() - first_meeting).days // 7 + 1
        meeting_id = first_id(Meeting)
        members = [p.id for p in state.people[SbniRole.CMR_PANEL_MEMBER]]
        chair = state.people[SbniRole.CMR_PANEL_CHAIR][0].id
        state.copier.copy(
            Meeting,
            "id uuid date place notice_given_on is_quorate created_by created_at",
            (
                (
                    meeting_id + week,
                    uuid.uuid4(),
                    first_meeting + datetime.timedelta(weeks=week),
                    "SBNI offices (fictional)",
                    first_meeting + datetime.timedelta(weeks=week, days=-10),
                    True,
                    state.someone(SbniRole.SBNI_OFFICER),
                    state.start,
                )
                for week in range(weeks)
            ),
        )
        state.copier.copy(
            Attendance,
            "meeting member status is_chair",
            (
                (meeting_id + week, member, Attendance.Status.PRESENT, member == chair)
                for week in range(weeks)
                for member in [chair, *members]
            ),
        )
        considered = [
            row
            for row in state.referral_rows
            if row.status in (Referral.Status.RECOMMENDED, Referral.Status.DECIDED)
        ]
        decided = [row for row in considered if row.status == Referral.Status.DECIDED]
        for row in state.rng.sample(decided, min(len(decided), state.count(REVIEWS))):
            row.outcome = state.rng.choice([Outcome.CMR_17_2, Outcome.CMR_17_2, Outcome.CMR_17_3])
        item_id = first_id(AgendaItem)
        recommendation_id = first_id(Recommendation)
        state.copier.copy(
            AgendaItem,
            "id uuid meeting referral added_by added_at",
            (
                (
                    item_id + n,
                    uuid.uuid4(),
                    meeting_id + min(weeks - 1, (state.considered_at(row) - state.start).days // 7),
                    row.id,
                    state.someone(SbniRole.SBNI_OFFICER),
                    state.considered_at(row),
                )
                for n, row in enumerate(considered)
            ),
        )
        state.copier.copy(
            Recommendation,
            (
                "id uuid item harm abuse register looked_after concerns learning outcome "
                "learning_route rationale recorded_by recorded_at"
            ),
            (
                (
                    recommendation_id + n,
                    uuid.uuid4(),
                    item_id + n,
                    *tuple(state.rng.choice(Answer.values) for _ in LIMBS),
                    row.outcome or Outcome.NOT_REQUIRED,
                    None if row.outcome else state.rng.choice(state.routes),
                    state.words(20, 60),
                    chair,
                    state.considered_at(row),
                )
                for n, row in enumerate(considered)
            ),
        )
        recommendations = {row.id: recommendation_id + n for n, row in enumerate(considered)}
        state.decision_ids = {}
        decision_id = first_id(Decision)
        for n, row in enumerate(decided):
            state.decision_ids[row.id] = decision_id + n
        state.copier.copy(
            Decision,
            (
                "id uuid referral recommendation outcome learning_route reasons decided_by "
                "decided_at is_current amendment_reason"
            ),
            (
                (
                    state.decision_ids[row.id],
                    uuid.uuid4(),
                    row.id,
                    recommendations[row.id],
                    row.outcome or Outcome.NOT_REQUIRED,
                    None if row.outcome else state.rng.choice(state.routes),
                    state.words(20, 60),
                    state.people[SbniRole.SBNI_CHAIR][0].id,
                    state.decided_at(row),
                    True,
                    "",
                )
                for row in decided
            ),
        )
