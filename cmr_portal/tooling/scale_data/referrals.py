"""The referrals: each panel's notifications over the years, at every step of the SBNI's
pipeline, with their siblings, the agencies involved and the SBNI's questions."""

import datetime
import uuid
from collections.abc import Iterable

from cmr_portal.tooling.scale_data.base import (
    CONSIDERED_DAYS,
    DRAFT_DAYS,
    EMAIL_DOMAIN,
    IN_HAND_DAYS,
    LIMBS,
    REFERRALS,
    STRAGGLER_DAYS,
    STRAGGLERS,
    SUBMITTED_DAYS,
    Part,
    ReferralRow,
)
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import SbniRole
from referrals.models import (
    AgencyInvolvement,
    Answer,
    InformationRequest,
    ReferenceCounter,
    Referral,
    Regulation17,
    Sibling,
)


class Referrals(Part):
    """Referrals spread over the years into ``state.referral_rows``, their reference counters,
    siblings, agencies' involvement and information requests."""

    def write(self) -> None:
        """Write the referrals and the records that hang from them."""
        state = self.state
        total = state.count(REFERRALS, least=20)
        span = (state.now - state.start).total_seconds()
        created = sorted(
            state.start + datetime.timedelta(seconds=state.rng.uniform(0, span))
            for _ in range(total)
        )
        # Belfast, the largest Trust, refers most.
        weights = [3 if panel.code == "BEL" else 2 for panel in state.panels]
        counters: dict[tuple[int, int], int] = {}
        next_id = first_id(Referral)
        state.referral_rows = []
        answers = self.regulation_17_answers()
        rows = []
        for when in created:
            panel = state.rng.choices(state.panels, weights)[0]
            number = counters[panel.pk, when.year] = counters.get((panel.pk, when.year), 0) + 1
            status, submitted = self.referral_status(when)
            reference = f"{panel.code}-{when.year}-{number:04d}"
            row = ReferralRow(next_id, reference, panel.pk, when, status, submitted)
            state.referral_rows.append(row)
            rows.append((row, state.rng.choice(answers)))
            next_id += 1
        creators = {
            panel.pk: [p.id for p in state.people["panel"] if p.panel == panel.pk]
            for panel in state.panels
        }
        state.copier.copy(
            Referral,
            "id uuid reference panel status created_by created_at updated_at submitted_at "
            "acknowledged_at acknowledged_by withdrawn_at withdrawal_reason child_initials "
            "child_date_of_birth child_gender child_trust_reference event_type event_date "
            "agency_aware_date event_place event_summary child_on_register child_looked_after "
            "sibling_on_register sibling_looked_after "
            + " ".join(f"reg17_{limb}" for limb in LIMBS)
            + " "
            + " ".join(f"reg17_{limb}_note" for limb in LIMBS)
            + " regulation_17_indicator notifier_name notifier_role notifier_email",
            (self.referral_values(row, answer, creators[row.panel]) for row, answer in rows),
        )
        state.copier.copy(
            ReferenceCounter,
            "panel year last_number",
            ((panel, year, number) for (panel, year), number in counters.items()),
        )
        self.referral_parts()

    def referral_status(self, when: datetime.datetime) -> tuple[str, datetime.datetime | None]:
        """The status of a referral made at ``when`` by its age, and when it was sent (``None``
        for a draft)."""
        state = self.state
        age = (state.now - when).days
        status = Referral.Status
        if age < DRAFT_DAYS and state.rng.random() < 0.3:
            return status.DRAFT, None
        submitted = state.moment(when, 1)
        if age < STRAGGLER_DAYS and (age < IN_HAND_DAYS or state.rng.random() < STRAGGLERS):
            if age < SUBMITTED_DAYS:
                return status.SUBMITTED, submitted
            if age >= CONSIDERED_DAYS and state.rng.random() < 0.5:
                return status.RECOMMENDED, submitted
            waiting = state.rng.random() < 0.2
            return (
                status.INFORMATION_REQUESTED if waiting else status.UNDER_CONSIDERATION
            ), submitted
        return (status.WITHDRAWN if state.rng.random() < 0.04 else status.DECIDED), submitted

    @staticmethod
    def regulation_17_answers() -> list[tuple[dict[str, str], str]]:
        """A few sets of answers to regulation 17's limbs, each with its indicator."""
        yes, no, unknown = Answer.YES, Answer.NO, Answer.NOT_KNOWN
        sets = [
            (yes, yes, yes, no, yes, no),
            (yes, no, no, no, no, yes),
            (yes, no, no, no, no, no),
            (yes, yes, unknown, no, unknown, unknown),
            (no, no, no, no, no, no),
        ]
        result = []
        for values in sets:
            answers = {limb: str(value) for limb, value in zip(LIMBS, values, strict=True)}
            referral = Referral(**{f"reg17_{limb}": value for limb, value in answers.items()})
            result.append((answers, Regulation17.assess(referral).indicator))
        return result

    def referral_values(
        self,
        row: ReferralRow,
        answer: tuple[dict[str, str], str],
        creators: list[int],
    ) -> tuple[object, ...]:
        """One referral's values in the order of the fields ``write`` names."""
        state = self.state
        rng = state.rng
        limbs, indicator = answer
        event = row.created.date() - datetime.timedelta(days=rng.randint(1, 20))
        acknowledged = (
            state.moment(row.submitted, 2)
            if row.submitted and row.status != Referral.Status.SUBMITTED
            else None
        )
        withdrawn = row.status == Referral.Status.WITHDRAWN
        creator = rng.choice(creators)
        return (
            row.id,
            uuid.uuid4(),
            row.reference,
            row.panel,
            row.status,
            creator,
            row.created,
            row.submitted or row.created,
            row.submitted,
            acknowledged,
            state.someone(SbniRole.SBNI_OFFICER) if acknowledged else None,
            state.moment(row.submitted or row.created, 30) if withdrawn else None,
            "Fictional: the panel learned the event did not meet the criteria."
            if withdrawn
            else "",
            "".join(rng.choices("ABCDEFGHJKLMNPRSTW", k=2)),
            event - datetime.timedelta(days=rng.randint(30, 6000)),
            rng.choice(Referral.Gender.values),
            f"FICT-{row.id}",
            rng.choice(Referral.EventType.values),
            event,
            event + datetime.timedelta(days=1),
            "Family home (fictional)",
            state.words(40, 120),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            *limbs.values(),
            *(state.words(5, 20) for _ in LIMBS),
            indicator,
            "Panel member (fictional)",
            "Designated nurse",
            f"notifier.{row.id}@{EMAIL_DOMAIN}",
        )

    def referral_parts(self) -> None:
        state = self.state
        rng = state.rng
        referrals = state.referral_rows
        state.copier.copy(
            Sibling,
            "uuid referral initials estimated_age gender",
            (
                (
                    uuid.uuid4(),
                    row.id,
                    "".join(rng.choices("ABCDEFGHJK", k=2)),
                    rng.randint(0, 17),
                    rng.choice(Referral.Gender.values),
                )
                for row in referrals
                for _ in range(rng.randint(0, 2))
            ),
        )
        state.copier.copy(
            AgencyInvolvement,
            "uuid referral agency nature",
            (
                (uuid.uuid4(), row.id, agency, state.words(8, 30))
                for row in referrals
                for agency in rng.sample(state.agencies, rng.randint(1, 3))
            ),
        )
        state.copier.copy(
            InformationRequest,
            (
                "uuid referral question due_date asked_by asked_at status_before answer "
                "answered_by answered_at"
            ),
            self.information_requests(),
        )

    def information_requests(self) -> Iterable[tuple[object, ...]]:
        """An open question on each referral waiting for the panel; an answered one on some of
        the others that were sent."""
        state = self.state
        for row in state.referral_rows:
            waiting = row.status == Referral.Status.INFORMATION_REQUESTED
            if row.submitted is None or not (waiting or state.rng.random() < 0.15):
                continue
            # A question still waiting was asked lately: most panels answer within the time.
            since = max(row.submitted, state.now - datetime.timedelta(days=16)) if waiting else None
            asked = state.moment(since or row.submitted, 16 if waiting else 10)
            answered = None if waiting else state.moment(asked, 10)
            yield (
                uuid.uuid4(),
                row.id,
                state.words(10, 30),
                (asked + datetime.timedelta(days=14)).date(),
                state.someone(SbniRole.SBNI_OFFICER),
                asked,
                Referral.Status.SUBMITTED,
                "" if waiting else state.words(20, 60),
                None if waiting else state.someone("panel"),
                answered,
            )
