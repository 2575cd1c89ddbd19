"""Each review's findings with their versions, its recommendations, the actions that carry them
out and the updates on those actions."""

import datetime
import uuid

from cmr_portal.tooling.scale_data.base import ACTIONS, OVERDUE_ACTIONS, Part
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import SbniRole
from reviews.drafting import render
from reviews.models import (
    Action,
    ActionUpdate,
    FindingSection,
    FindingVersion,
    Review,
    ReviewRecommendation,
)


class Findings(Part):
    """Every section of findings on every review (two versions each), its recommendations
    linked to a section, their actions in a state that fits the review's stage, and updates on
    the actions of reviews in follow-up or closed."""

    def write(self) -> None:
        """Write the findings, recommendations, actions and action updates."""
        state = self.state
        rng = state.rng
        section_id = first_id(FindingSection)
        sections: dict[int, list[int]] = {}
        texts = []
        for pk, _, opened, _ in state.review_rows:
            for key in FindingSection.Key.values:
                sections.setdefault(pk, []).append(section_id)
                texts.append((section_id, pk, key, self.finding_text(), opened))
                section_id += 1
        state.copier.copy(
            FindingSection,
            "id review key text html version updated_by updated_at",
            (
                (
                    pk,
                    review,
                    key,
                    text,
                    render(text),
                    2,
                    state.leads[review],
                    state.moment(opened, 200),
                )
                for pk, review, key, text, opened in texts
            ),
        )
        state.copier.copy(
            FindingVersion,
            "section number text html author saved_at",
            (
                (
                    pk,
                    number,
                    version_text,
                    render(version_text),
                    state.leads[review],
                    state.moment(opened, 100 * number),
                )
                for pk, review, _, text, opened in texts
                for number, version_text in ((1, text[: len(text) // 2]), (2, text))
            ),
        )
        per_review = state.count(ACTIONS) / max(1, len(state.review_rows))
        recommendations = max(1, round(per_review / 4))
        recommendation_id = first_id(ReviewRecommendation)
        plans = []
        for pk, _, opened, stage in state.review_rows:
            for number in range(1, recommendations + 1):
                plans.append((recommendation_id, pk, number, opened, stage))
                recommendation_id += 1
        state.copier.copy(
            ReviewRecommendation,
            "id review number text created_by created_at",
            (
                (pk, review, number, state.words(15, 40), state.leads[review], opened)
                for pk, review, number, opened, _ in plans
            ),
        )
        state.copier.copy(
            ReviewRecommendation.findings.through,
            "reviewrecommendation findingsection",
            ((pk, rng.choice(sections[review])) for pk, review, *_ in plans),
        )
        actions_per_recommendation = max(1, round(per_review / recommendations))
        action_id = first_id(Action)
        actions = []
        for recommendation, review, _, opened, stage in plans:
            for _ in range(actions_per_recommendation):
                due = (opened + datetime.timedelta(days=rng.randint(400, 700))).date()
                actions.append((action_id, recommendation, review, opened, stage, due))
                action_id += 1
        state.copier.copy(
            Action,
            (
                "id uuid recommendation agency owner description due_date measure status "
                "verified_by verified_at"
            ),
            (
                (
                    pk,
                    uuid.uuid4(),
                    recommendation,
                    rng.choice(state.agencies),
                    "Head of service",
                    state.words(10, 30),
                    due,
                    "Fictional: audit shows the change.",
                    *self.action_state(stage, opened, due),
                )
                for pk, recommendation, review, opened, stage, due in actions
            ),
        )
        state.copier.copy(
            ActionUpdate,
            "action status note author created_at",
            (
                (
                    pk,
                    Action.Status.ON_TRACK,
                    state.words(10, 30),
                    state.leads[review],
                    state.moment(opened, 500),
                )
                for pk, _, review, opened, stage, _ in actions
                if stage in (Review.Stage.FOLLOW_UP, Review.Stage.CLOSED)
            ),
        )

    def finding_text(self) -> str:
        """A fictional section of findings: two to four paragraphs."""
        paragraphs = [self.state.words(40, 90) for _ in range(self.state.rng.randint(2, 4))]
        return "\n\n".join(paragraphs)

    def action_state(
        self, stage: str, opened: datetime.datetime, due: datetime.date
    ) -> tuple[object, object, object]:
        """Verified once the review closed; in follow-up, most actions past their date completed
        and the rest overdue, the others under way; not started before the plan is approved."""
        state = self.state
        if stage == Review.Stage.CLOSED:
            return Action.Status.VERIFIED, state.someone(SbniRole.SBNI_OFFICER), opened
        if stage == Review.Stage.FOLLOW_UP:
            if due < state.now.date():
                late = state.rng.random() < OVERDUE_ACTIONS
                return (Action.Status.AT_RISK if late else Action.Status.COMPLETED), None, None
            under_way = [Action.Status.ON_TRACK, Action.Status.ON_TRACK, Action.Status.AT_RISK]
            return state.rng.choice([*under_way, Action.Status.NOT_STARTED]), None, None
        return Action.Status.NOT_STARTED, None, None
