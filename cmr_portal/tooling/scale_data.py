"""Fictional national-scale data for the benchmarks: the UK's case reviews over ten years.

Everything here is invented: the names are drawn from short lists, every organisation says it is
fictional, every email address ends in ``@scale-data.invalid``, and every text says "Fictional".
The rows are written with PostgreSQL's COPY, ids chosen here so that the rows can point at each
other without reading them back; the id sequences are moved past them at the end.
"""

import datetime
import io
import itertools
import json
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone
from guardian.models import UserObjectPermission

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from panels.models import Agency, Membership, Panel, SbniRole, User
from panels.services import ROLE_PERMISSIONS
from referrals.models import (
    AgencyInvolvement,
    AgendaItem,
    Answer,
    Attendance,
    Decision,
    InformationRequest,
    LearningRoute,
    Meeting,
    Outcome,
    Recommendation,
    ReferenceCounter,
    Referral,
    Regulation17,
    Sibling,
)
from reviews.drafting import render
from reviews.models import (
    PURPOSES,
    Action,
    ActionUpdate,
    AgencyReport,
    ChronologyEntry,
    FindingSection,
    FindingVersion,
    LearningTheme,
    Review,
    ReviewMember,
    ReviewRecommendation,
    StageChange,
    TermsOfReference,
)
from reviews.services import ROLE_PERMISSIONS as REVIEW_PERMISSIONS

EMAIL_DOMAIN = "scale-data.invalid"
BATCH = 50_000
YEARS = 10

# The volumes at scale 1: the whole UK over ten years.
USERS = 2_000
REFERRALS = 100_000
REVIEWS = 10_000
CHRONOLOGY = 1_000_000
ACTIONS = 200_000
AUDIT_EVENTS = 5_000_000
NOTIFICATIONS_PER_USER = 100
# The SBNI's pipeline by a referral's age in days: drafts still being written, sent and not yet
# acknowledged, under consideration (some waiting for the panel's answer), waiting for the Chair's
# decision; older ones decided or withdrawn, but for a few stragglers still in hand, overdue.
DRAFT_DAYS = 10
SUBMITTED_DAYS = 4
CONSIDERED_DAYS = 40
IN_HAND_DAYS = 52
STRAGGLER_DAYS = 120
STRAGGLERS = 0.03
# Of the actions past their date in follow-up, the share not yet completed.
OVERDUE_ACTIONS = 0.15

FIRST_NAMES = [
    "Aoife",
    "Brendan",
    "Ciara",
    "Declan",
    "Eimear",
    "Fergal",
    "Grainne",
    "Hugh",
    "Iona",
    "Jack",
    "Kerry",
    "Liam",
]
SURNAMES = [
    "Quinn",
    "Murphy",
    "Kelly",
    "Doherty",
    "Campbell",
    "Walsh",
    "Byrne",
    "McLaughlin",
    "Gallagher",
    "Boyle",
]
WORDS = [
    "fictional",
    "home",
    "visit",
    "health",
    "visitor",
    "school",
    "nurse",
    "referral",
    "strategy",
    "meeting",
    "police",
    "attended",
    "the",
    "family",
    "address",
    "missed",
    "appointment",
    "assessment",
    "plan",
    "reviewed",
    "concerns",
    "shared",
    "agency",
    "information",
    "social",
    "worker",
    "core",
    "group",
    "conference",
    "hospital",
    "emergency",
    "department",
    "GP",
    "letter",
]


class Copier:
    """Writes rows into a model's table with COPY, in batches, counting rows and seconds."""

    def __init__(self) -> None:
        self.timings: dict[str, dict[str, float]] = {}

    @staticmethod
    def _text(value: object) -> str:
        if value is None:
            return r"\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, dict | list):
            value = json.dumps(value)
        text = str(value)
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")

    def copy(
        self, model: type[models.Model], fields: str, rows: Iterable[Sequence[object]]
    ) -> None:
        """COPY ``rows`` of ``fields`` (names separated by spaces) into the model's table; the
        other columns that may not be empty take the field's default, as the ORM gives them."""
        named = [
            cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in fields.split()
        ]
        others = [
            field
            for field in model._meta.concrete_fields
            if field not in named and not field.primary_key and not field.null
        ]
        # A default such as uuid4 is made afresh for each row; a constant one once.
        fresh = [field for field in others if callable(field.default)]
        constant = [field for field in others if field not in fresh]
        fixed = "".join(f"\t{self._text(field.get_default())}" for field in constant)
        table = model._meta.db_table
        columns = ", ".join(field.column for field in named + constant + fresh)
        started = time.perf_counter()
        count = 0
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            for row in rows:
                buffer.write("\t".join(map(self._text, row)))
                buffer.write(fixed)
                for field in fresh:
                    buffer.write(f"\t{self._text(field.get_default())}")
                buffer.write("\n")
                count += 1
                if count % BATCH == 0:
                    self._flush(cursor, table, columns, buffer)
                    buffer = io.StringIO()
            self._flush(cursor, table, columns, buffer)
        entry = self.timings.setdefault(table, {"rows": 0, "seconds": 0.0})
        entry["rows"] += count
        entry["seconds"] = round(entry["seconds"] + time.perf_counter() - started, 2)

    @staticmethod
    def _flush(cursor: Any, table: str, columns: str, buffer: io.StringIO) -> None:
        buffer.seek(0)
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def first_id(model: type[models.Model]) -> int:
    """The id after the highest in the table: the rows written here take ids from it on."""
    last = model._default_manager.aggregate(last=models.Max("id"))["last"]
    return (last or 0) + 1


@dataclass
class Person:
    id: int
    kind: str
    panel: int | None = None
    agency: int | None = None


@dataclass
class ReferralRow:
    id: int
    reference: str
    panel: int
    created: datetime.datetime
    status: str
    submitted: datetime.datetime | None
    outcome: str = ""


@dataclass
class Generator:
    """Writes the data of one scale. Call ``run()`` inside a transaction."""

    scale: float
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311
    copier: Copier = field(default_factory=Copier)

    def __post_init__(self) -> None:
        self.now = timezone.now()
        self.start = self.now - datetime.timedelta(days=365 * YEARS)
        self.panels = list(Panel.objects.order_by("id"))
        self.agencies = list(Agency.objects.filter(active=True).values_list("id", flat=True))
        self.routes = list(LearningRoute.objects.values_list("id", flat=True))
        self.themes = list(LearningTheme.objects.values_list("id", flat=True))

    def count(self, at_scale_1: int, least: int = 1) -> int:
        return max(least, round(at_scale_1 * self.scale))

    def words(self, low: int, high: int) -> str:
        text = " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))
        return f"Fictional: {text}."

    def moment(self, after: datetime.datetime, days: float) -> datetime.datetime:
        """A moment within ``days`` after ``after``, never in the future."""
        return min(self.now, after + datetime.timedelta(days=self.rng.uniform(0, days)))

    def run(self) -> dict[str, dict[str, float]]:
        self.users()
        self.referrals()
        self.meetings_and_decisions()
        self.reviews()
        self.notifications()
        self.audit_events()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self.written_models()):
                cursor.execute(sql)
        return self.copier.timings

    @staticmethod
    def written_models() -> list[type[models.Model]]:
        return [
            User,
            Membership,
            Referral,
            Sibling,
            AgencyInvolvement,
            InformationRequest,
            Meeting,
            Attendance,
            AgendaItem,
            Recommendation,
            Decision,
            Review,
            ReviewMember,
            TermsOfReference,
            AgencyReport,
            ChronologyEntry,
            FindingSection,
            FindingVersion,
            ReviewRecommendation,
            Action,
            ActionUpdate,
            StageChange,
            Notification,
            AuditEvent,
        ]

    # People ---------------------------------------------------------------------------------

    def users(self) -> None:
        # At the smallest scales, still a chair, two administrators and members on every panel.
        total = self.count(USERS, least=40 + len(self.agencies) + 6 * len(self.panels))
        kinds = {
            SbniRole.SBNI_OFFICER: 8,
            SbniRole.CMR_PANEL_MEMBER: 12,
            SbniRole.CMR_PANEL_CHAIR: 1,
            SbniRole.SBNI_CHAIR: 1,
            "reviewer": max(6, total * 15 // 100),
            "agency": max(len(self.agencies), total * 10 // 100),
        }
        kinds["panel"] = total - sum(kinds.values())
        next_id = first_id(User)
        self.people: dict[str, list[Person]] = {}
        for kind, number in kinds.items():
            for n in range(number):
                person = Person(next_id, str(kind))
                if kind == "panel":
                    person.panel = self.panels[n % len(self.panels)].pk
                if kind == "agency":
                    person.agency = self.agencies[n % len(self.agencies)]
                self.people.setdefault(str(kind), []).append(person)
                next_id += 1
        everyone = [person for group in self.people.values() for person in group]
        self.copier.copy(
            User,
            (
                "id email password full_name job_title organisation agency is_active is_staff "
                "is_superuser date_joined emails"
            ),
            (
                (
                    person.id,
                    f"{person.kind.replace(' ', '.').lower()}.{person.id}@{EMAIL_DOMAIN}",
                    f"!{uuid.uuid4().hex}",  # no password: nobody signs in to these accounts
                    f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}",
                    person.kind.capitalize() if person.kind != "panel" else "Panel member",
                    "Scale data (fictional)",
                    person.agency,
                    True,
                    False,
                    False,
                    self.start,
                    User.Emails.DAILY if person.id % 3 == 0 else User.Emails.IMMEDIATE,
                )
                for person in everyone
            ),
        )
        groups = dict(Group.objects.values_list("name", "id"))
        self.copier.copy(
            User.groups.through,
            "user group",
            (
                (person.id, groups[kind])
                for kind in SbniRole.values
                for person in self.people.get(kind, [])
            ),
        )
        self.memberships()

    def memberships(self) -> None:
        """Each panel's staff: a chair, two administrators, members; and their permissions."""
        rows = []
        for panel in self.panels:
            staff = [person for person in self.people["panel"] if person.panel == panel.pk]
            for n, person in enumerate(staff):
                role = (
                    Membership.Role.CHAIR
                    if n == 0
                    else Membership.Role.ADMINISTRATOR
                    if n < 3
                    else Membership.Role.MEMBER
                )
                rows.append((person, panel.pk, role))
        self.copier.copy(
            Membership,
            "uuid panel user role created_at",
            ((uuid.uuid4(), panel, person.id, role, self.start) for person, panel, role in rows),
        )
        self.grant(
            Panel,
            (
                (person.id, panel, perm)
                for person, panel, role in rows
                for perm in ROLE_PERMISSIONS[role]
            ),
        )

    def grant(self, model: type[models.Model], grants: Iterable[tuple[int, int, str]]) -> None:
        """Object permissions through django-guardian's table, as ``assign_perm`` writes them."""
        content_type = ContentType.objects.get_for_model(model)
        perms = dict(
            Permission.objects.filter(content_type=content_type).values_list("codename", "id")
        )
        self.copier.copy(
            UserObjectPermission,
            "user permission content_type object_pk",
            ((user, perms[perm], content_type.pk, str(pk)) for user, pk, perm in grants),
        )

    def someone(self, kind: str) -> int:
        return self.rng.choice(self.people[kind]).id

    # Referrals ------------------------------------------------------------------------------

    def referrals(self) -> None:
        total = self.count(REFERRALS, least=20)
        span = (self.now - self.start).total_seconds()
        created = sorted(
            self.start + datetime.timedelta(seconds=self.rng.uniform(0, span)) for _ in range(total)
        )
        # Belfast, the largest Trust, refers most.
        weights = [3 if panel.code == "BEL" else 2 for panel in self.panels]
        counters: dict[tuple[int, int], int] = {}
        next_id = first_id(Referral)
        self.referral_rows: list[ReferralRow] = []
        answers = self.regulation_17_answers()
        rows = []
        for when in created:
            panel = self.rng.choices(self.panels, weights)[0]
            number = counters[panel.pk, when.year] = counters.get((panel.pk, when.year), 0) + 1
            status, submitted = self.referral_status(when)
            reference = f"{panel.code}-{when.year}-{number:04d}"
            row = ReferralRow(next_id, reference, panel.pk, when, status, submitted)
            self.referral_rows.append(row)
            rows.append((row, self.rng.choice(answers)))
            next_id += 1
        creators = {
            panel.pk: [p.id for p in self.people["panel"] if p.panel == panel.pk]
            for panel in self.panels
        }
        self.copier.copy(
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
        self.copier.copy(
            ReferenceCounter,
            "panel year last_number",
            ((panel, year, number) for (panel, year), number in counters.items()),
        )
        self.referral_parts()

    def referral_status(self, when: datetime.datetime) -> tuple[str, datetime.datetime | None]:
        age = (self.now - when).days
        status = Referral.Status
        if age < DRAFT_DAYS and self.rng.random() < 0.3:
            return status.DRAFT, None
        submitted = self.moment(when, 1)
        if age < STRAGGLER_DAYS and (age < IN_HAND_DAYS or self.rng.random() < STRAGGLERS):
            if age < SUBMITTED_DAYS:
                return status.SUBMITTED, submitted
            if age >= CONSIDERED_DAYS and self.rng.random() < 0.5:
                return status.RECOMMENDED, submitted
            waiting = self.rng.random() < 0.2
            return (
                status.INFORMATION_REQUESTED if waiting else status.UNDER_CONSIDERATION
            ), submitted
        return (status.WITHDRAWN if self.rng.random() < 0.04 else status.DECIDED), submitted

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
        rng = self.rng
        limbs, indicator = answer
        event = row.created.date() - datetime.timedelta(days=rng.randint(1, 20))
        acknowledged = (
            self.moment(row.submitted, 2)
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
            self.someone(SbniRole.SBNI_OFFICER) if acknowledged else None,
            self.moment(row.submitted or row.created, 30) if withdrawn else None,
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
            self.words(40, 120),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            rng.choice(Answer.values),
            *limbs.values(),
            *(self.words(5, 20) for _ in LIMBS),
            indicator,
            "Panel member (fictional)",
            "Designated nurse",
            f"notifier.{row.id}@{EMAIL_DOMAIN}",
        )

    def referral_parts(self) -> None:
        rng = self.rng
        referrals = self.referral_rows
        self.copier.copy(
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
        self.copier.copy(
            AgencyInvolvement,
            "uuid referral agency nature",
            (
                (uuid.uuid4(), row.id, agency, self.words(8, 30))
                for row in referrals
                for agency in rng.sample(self.agencies, rng.randint(1, 3))
            ),
        )
        self.copier.copy(
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
        for row in self.referral_rows:
            waiting = row.status == Referral.Status.INFORMATION_REQUESTED
            if row.submitted is None or not (waiting or self.rng.random() < 0.15):
                continue
            # A question still waiting was asked lately: most panels answer within the time.
            since = max(row.submitted, self.now - datetime.timedelta(days=16)) if waiting else None
            asked = self.moment(since or row.submitted, 16 if waiting else 10)
            answered = None if waiting else self.moment(asked, 10)
            yield (
                uuid.uuid4(),
                row.id,
                self.words(10, 30),
                (asked + datetime.timedelta(days=14)).date(),
                self.someone(SbniRole.SBNI_OFFICER),
                asked,
                Referral.Status.SUBMITTED,
                "" if waiting else self.words(20, 60),
                None if waiting else self.someone("panel"),
                answered,
            )

    # The CMR Panel and the SBNI Chair ---------------------------------------------------------

    def meetings_and_decisions(self) -> None:
        """A CMR Panel meeting each week; every referral it considered on an agenda with a
        recommendation; the Chair's decision on each decided one, of which the reviews' share
        required a CMR."""
        first_meeting = self.start.date()
        weeks = (self.now.date() - first_meeting).days // 7 + 1
        meeting_id = first_id(Meeting)
        members = [p.id for p in self.people[SbniRole.CMR_PANEL_MEMBER]]
        chair = self.people[SbniRole.CMR_PANEL_CHAIR][0].id
        self.copier.copy(
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
                    self.someone(SbniRole.SBNI_OFFICER),
                    self.start,
                )
                for week in range(weeks)
            ),
        )
        self.copier.copy(
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
            for row in self.referral_rows
            if row.status in (Referral.Status.RECOMMENDED, Referral.Status.DECIDED)
        ]
        decided = [row for row in considered if row.status == Referral.Status.DECIDED]
        for row in self.rng.sample(decided, min(len(decided), self.count(REVIEWS))):
            row.outcome = self.rng.choice([Outcome.CMR_17_2, Outcome.CMR_17_2, Outcome.CMR_17_3])
        item_id = first_id(AgendaItem)
        recommendation_id = first_id(Recommendation)
        self.copier.copy(
            AgendaItem,
            "id uuid meeting referral added_by added_at",
            (
                (
                    item_id + n,
                    uuid.uuid4(),
                    meeting_id + min(weeks - 1, (self.considered_at(row) - self.start).days // 7),
                    row.id,
                    self.someone(SbniRole.SBNI_OFFICER),
                    self.considered_at(row),
                )
                for n, row in enumerate(considered)
            ),
        )
        self.copier.copy(
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
                    *tuple(self.rng.choice(Answer.values) for _ in LIMBS),
                    row.outcome or Outcome.NOT_REQUIRED,
                    None if row.outcome else self.rng.choice(self.routes),
                    self.words(20, 60),
                    chair,
                    self.considered_at(row),
                )
                for n, row in enumerate(considered)
            ),
        )
        recommendations = {row.id: recommendation_id + n for n, row in enumerate(considered)}
        self.decision_ids: dict[int, int] = {}
        decision_id = first_id(Decision)
        for n, row in enumerate(decided):
            self.decision_ids[row.id] = decision_id + n
        self.copier.copy(
            Decision,
            (
                "id uuid referral recommendation outcome learning_route reasons decided_by "
                "decided_at is_current amendment_reason"
            ),
            (
                (
                    self.decision_ids[row.id],
                    uuid.uuid4(),
                    row.id,
                    recommendations[row.id],
                    row.outcome or Outcome.NOT_REQUIRED,
                    None if row.outcome else self.rng.choice(self.routes),
                    self.words(20, 60),
                    self.people[SbniRole.SBNI_CHAIR][0].id,
                    self.decided_at(row),
                    True,
                    "",
                )
                for row in decided
            ),
        )

    def considered_at(self, row: ReferralRow) -> datetime.datetime:
        assert row.submitted is not None
        return min(self.now, row.submitted + datetime.timedelta(days=36))

    def decided_at(self, row: ReferralRow) -> datetime.datetime:
        return min(self.now, self.considered_at(row) + datetime.timedelta(days=10))

    # Reviews ----------------------------------------------------------------------------------

    def review_stage(self, opened: datetime.datetime) -> str:
        age = (self.now - opened).days
        stage = Review.Stage
        if age > 730:
            return stage.CLOSED
        if age > 365:
            return stage.FOLLOW_UP
        if age > 300:
            return self.rng.choice([stage.PANEL_SCRUTINY, stage.CHAIR_APPROVAL])
        return stage.DRAFTING

    def reviews(self) -> None:
        rows = [row for row in self.referral_rows if row.outcome]
        review_id = first_id(Review)
        reviews = []
        for n, row in enumerate(rows):
            opened = self.decided_at(row)
            reviews.append((review_id + n, row, opened, self.review_stage(opened)))
        self.copier.copy(
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
                    self.decision_ids[row.id],
                    Review.Route.ROUTE_17_3
                    if row.outcome == Outcome.CMR_17_3
                    else Review.Route.ROUTE_17_2,
                    Review.Status.CLOSED if stage == Review.Stage.CLOSED else Review.Status.OPEN,
                    stage,
                    self.someone(SbniRole.SBNI_CHAIR),
                    opened,
                    self.moment(opened, 700) if stage == Review.Stage.CLOSED else None,
                    "",
                )
                for pk, row, opened, stage in reviews
            ),
        )
        self.review_rows = reviews
        self.teams()
        self.review_records()
        self.findings_and_actions()

    def teams(self) -> None:
        reviewers = [p.id for p in self.people["reviewer"]]
        teams = [(pk, self.rng.sample(reviewers, 3)) for pk, *_ in self.review_rows]
        self.leads = {pk: team[0] for pk, team in teams}
        self.copier.copy(
            ReviewMember,
            "uuid review user role appointed_by appointed_at",
            (
                (
                    uuid.uuid4(),
                    pk,
                    user,
                    ReviewMember.Role.LEAD if n == 0 else ReviewMember.Role.REVIEWER,
                    self.someone(SbniRole.SBNI_OFFICER),
                    self.start,
                )
                for pk, team in teams
                for n, user in enumerate(team)
            ),
        )
        self.grant(
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
        rng = self.rng
        terms_id = first_id(TermsOfReference)
        self.copier.copy(
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
                    self.words(40, 100),
                    [key for key, _ in PURPOSES],
                    self.moment(opened, 30).date(),
                    self.leads[pk],
                    self.moment(opened, 30),
                )
                for n, (pk, _, opened, _) in enumerate(self.review_rows)
            ),
        )
        in_scope = {pk: rng.sample(self.agencies, 3) for pk, *_ in self.review_rows}
        self.copier.copy(
            TermsOfReference.agencies.through,
            "termsofreference agency",
            (
                (terms_id + n, agency)
                for n, (pk, *_) in enumerate(self.review_rows)
                for agency in in_scope[pk]
            ),
        )
        contacts: dict[int, list[int]] = {}
        for person in self.people["agency"]:
            assert person.agency is not None
            contacts.setdefault(person.agency, []).append(person.id)
        self.copier.copy(
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
                    self.words(10, 30),
                    self.moment(opened, 60).date(),
                    *self.report_state(opened, stage, pk),
                )
                for pk, _, opened, stage in self.review_rows
                for agency in in_scope[pk]
            ),
        )
        self.copier.copy(
            ChronologyEntry,
            "uuid review date agency event source significance added_by added_at",
            self.chronology(in_scope),
        )
        self.copier.copy(
            Review.themes.through,
            "review learningtheme",
            (
                (pk, theme)
                for pk, *_ in self.review_rows
                for theme in rng.sample(self.themes, min(2, len(self.themes)))
            ),
        )
        self.copier.copy(
            StageChange,
            "review from_stage to_stage comments by at",
            (
                (pk, before, after, "Fictional comments.", self.leads[pk], self.moment(opened, 700))
                for pk, _, opened, stage in self.review_rows
                for before, after in itertools.pairwise(STAGES)
                if STAGES.index(stage) >= STAGES.index(after)
            ),
        )

    def report_state(
        self, opened: datetime.datetime, stage: str, pk: int
    ) -> tuple[object, object, object, object, object]:
        requested = self.moment(opened, 20)
        if stage == Review.Stage.DRAFTING and pk % 2:
            return AgencyReport.Status.REQUESTED, self.leads[pk], requested, None, None
        received = self.moment(requested, 40)
        return (
            AgencyReport.Status.ACCEPTED,
            self.leads[pk],
            requested,
            received,
            self.moment(received, 10),
        )

    def chronology(self, in_scope: dict[int, list[int]]) -> Iterable[tuple[object, ...]]:
        per_review = self.count(CHRONOLOGY) / max(1, len(self.review_rows))
        significance = ChronologyEntry.Significance.values
        for pk, _, opened, _ in self.review_rows:
            for _ in range(self.rng.randint(int(per_review * 0.5), int(per_review * 1.5))):
                yield (
                    uuid.uuid4(),
                    pk,
                    (opened - datetime.timedelta(days=self.rng.randint(1, 700))).date(),
                    self.rng.choice(in_scope[pk]),
                    self.words(8, 30),
                    "Agency records (fictional)",
                    self.rng.choice(significance),
                    self.leads[pk],
                    opened,
                )

    def findings_and_actions(self) -> None:
        rng = self.rng
        section_id = first_id(FindingSection)
        sections: dict[int, list[int]] = {}
        texts = []
        for pk, _, opened, _ in self.review_rows:
            for key in FindingSection.Key.values:
                sections.setdefault(pk, []).append(section_id)
                texts.append((section_id, pk, key, self.finding_text(), opened))
                section_id += 1
        self.copier.copy(
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
                    self.leads[review],
                    self.moment(opened, 200),
                )
                for pk, review, key, text, opened in texts
            ),
        )
        self.copier.copy(
            FindingVersion,
            "section number text html author saved_at",
            (
                (
                    pk,
                    number,
                    version_text,
                    render(version_text),
                    self.leads[review],
                    self.moment(opened, 100 * number),
                )
                for pk, review, _, text, opened in texts
                for number, version_text in ((1, text[: len(text) // 2]), (2, text))
            ),
        )
        per_review = self.count(ACTIONS) / max(1, len(self.review_rows))
        recommendations = max(1, round(per_review / 4))
        recommendation_id = first_id(ReviewRecommendation)
        plans = []
        for pk, _, opened, stage in self.review_rows:
            for number in range(1, recommendations + 1):
                plans.append((recommendation_id, pk, number, opened, stage))
                recommendation_id += 1
        self.copier.copy(
            ReviewRecommendation,
            "id review number text created_by created_at",
            (
                (pk, review, number, self.words(15, 40), self.leads[review], opened)
                for pk, review, number, opened, _ in plans
            ),
        )
        self.copier.copy(
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
        self.copier.copy(
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
                    rng.choice(self.agencies),
                    "Head of service",
                    self.words(10, 30),
                    due,
                    "Fictional: audit shows the change.",
                    *self.action_state(stage, opened, due),
                )
                for pk, recommendation, review, opened, stage, due in actions
            ),
        )
        self.copier.copy(
            ActionUpdate,
            "action status note author created_at",
            (
                (
                    pk,
                    Action.Status.ON_TRACK,
                    self.words(10, 30),
                    self.leads[review],
                    self.moment(opened, 500),
                )
                for pk, _, review, opened, stage, _ in actions
                if stage in (Review.Stage.FOLLOW_UP, Review.Stage.CLOSED)
            ),
        )

    def finding_text(self) -> str:
        paragraphs = [self.words(40, 90) for _ in range(self.rng.randint(2, 4))]
        return "\n\n".join(paragraphs)

    def action_state(
        self, stage: str, opened: datetime.datetime, due: datetime.date
    ) -> tuple[object, object, object]:
        """Verified once the review closed; in follow-up, most actions past their date completed
        and the rest overdue, the others under way; not started before the plan is approved."""
        if stage == Review.Stage.CLOSED:
            return Action.Status.VERIFIED, self.someone(SbniRole.SBNI_OFFICER), opened
        if stage == Review.Stage.FOLLOW_UP:
            if due < self.now.date():
                late = self.rng.random() < OVERDUE_ACTIONS
                return (Action.Status.AT_RISK if late else Action.Status.COMPLETED), None, None
            under_way = [Action.Status.ON_TRACK, Action.Status.ON_TRACK, Action.Status.AT_RISK]
            return self.rng.choice([*under_way, Action.Status.NOT_STARTED]), None, None
        return Action.Status.NOT_STARTED, None, None

    # What people were told, and the audit trail --------------------------------------------------

    def notifications(self) -> None:
        everyone = [person.id for group in self.people.values() for person in group]
        span = (self.now - self.start).total_seconds()

        def rows() -> Iterable[tuple[object, ...]]:
            for user in everyone:
                for n in range(NOTIFICATIONS_PER_USER):
                    created = self.start + datetime.timedelta(seconds=self.rng.uniform(0, span))
                    unread = n < 5
                    yield (
                        user,
                        "Fictional: a referral needs your attention",
                        "/referrals/",
                        created,
                        None if unread else created,
                        created,
                        1,
                    )

        self.copier.copy(
            Notification,
            "recipient message url created_at read_at emailed_at email_attempts",
            rows(),
        )

    def audit_events(self) -> None:
        """The trail: most events on referrals (changes, views, the SBNI's steps), the rest on
        reviews, each after its record was made."""
        total = self.count(AUDIT_EVENTS)
        review_share = total // 5
        referral_label = Referral._meta.label_lower
        review_label = Review._meta.label_lower
        referrals = self.referral_rows
        reviews = self.review_rows
        panel_people = [p.id for p in self.people["panel"]]
        sbni = [p.id for kind in SbniRole.values for p in self.people.get(kind, [])]

        def rows() -> Iterable[tuple[object, ...]]:
            rng = self.rng
            for n in range(total):
                if n < review_share and reviews:
                    pk, _, opened, _ = reviews[n % len(reviews)]
                    target, since = (review_label, pk), opened
                    action, actor = rng.choice(REVIEW_ACTIONS), self.leads[pk]
                else:
                    row = referrals[n % len(referrals)]
                    target, since = (referral_label, row.id), row.created
                    action = rng.choice(REFERRAL_ACTIONS)
                    actor = rng.choice(sbni if action == "referral.acknowledged" else panel_people)
                yield (
                    actor,
                    action,
                    target[0],
                    target[1],
                    f"Fictional: {action} on record {target[1]}",
                    {},
                    "127.0.0.1",
                    self.moment(since, 400),
                )

        self.copier.copy(
            AuditEvent,
            "actor action target_type target_id summary changes ip_address created_at",
            rows(),
        )


LIMBS = ["harm", "abuse", "register", "looked_after", "concerns", "learning"]
STAGES = Review.Stage.values
REFERRAL_ACTIONS = [
    "referral.updated",
    "referral.viewed",
    "referral.viewed",
    "referral.acknowledged",
]
REVIEW_ACTIONS = ["review.viewed", "review.findings_saved", "review.exported"]
