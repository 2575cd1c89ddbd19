"""What the parts of the scale data share: the volumes, the word lists, the rows they point at,
and ``State``, the one object that carries what each part has written to the parts after it."""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermission

from cmr_portal.tooling.scale_data.copier import Copier
from panels.models import Agency, Panel
from referrals.models import LearningRoute
from reviews.models import LearningTheme, Review

EMAIL_DOMAIN = "scale-data.invalid"
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

# Regulation 17's limbs, in the order of the referral's fields and the recommendation's.
LIMBS = ["harm", "abuse", "register", "looked_after", "concerns", "learning"]
STAGES = Review.Stage.values

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


@dataclass
class Person:
    """A fictional user: ``kind`` an SBNI role's value, ``"panel"``, ``"reviewer"`` or
    ``"agency"``; ``panel`` the panel's id for panel staff, ``agency`` the agency's id for an
    agency's contact."""

    id: int
    kind: str
    panel: int | None = None
    agency: int | None = None


@dataclass
class ReferralRow:
    """A written referral as the later parts need it; ``outcome`` set by the Chair's decision."""

    id: int
    reference: str
    panel: int
    created: datetime.datetime
    status: str
    submitted: datetime.datetime | None
    outcome: str = ""


# A written review: its id, its referral, when it opened and its stage.
ReviewRow = tuple[int, ReferralRow, datetime.datetime, str]


class State:
    """The scale, the random numbers, the copier and the moment "now"; the rows of the database
    the parts point at (panels, agencies, learning routes and themes); what each part has
    written that the parts after it need (people, referrals, decisions, reviews and their leads);
    and the helpers they share."""

    def __init__(self, scale: float, rng: random.Random, copier: Copier) -> None:
        self.scale = scale
        self.rng = rng
        self.copier = copier
        self.now = timezone.now()
        self.start = self.now - datetime.timedelta(days=365 * YEARS)
        self.panels = list(Panel.objects.order_by("id"))
        self.agencies = list(Agency.objects.filter(active=True).values_list("id", flat=True))
        self.routes = list(LearningRoute.objects.values_list("id", flat=True))
        self.themes = list(LearningTheme.objects.values_list("id", flat=True))
        # Written by the parts, in the order Generator runs them.
        self.people: dict[str, list[Person]] = {}
        self.referral_rows: list[ReferralRow] = []
        self.decision_ids: dict[int, int] = {}  # a decided referral's id: its decision's id
        self.review_rows: list[ReviewRow] = []
        self.leads: dict[int, int] = {}  # a review's id: its lead reviewer's user id

    def count(self, at_scale_1: int, least: int = 1) -> int:
        """How many rows at this scale of ``at_scale_1`` at scale 1, never fewer than ``least``."""
        return max(least, round(at_scale_1 * self.scale))

    def words(self, low: int, high: int) -> str:
        """A fictional sentence of ``low`` to ``high`` words that says it is fictional."""
        text = " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))
        return f"Fictional: {text}."

    def moment(self, after: datetime.datetime, days: float) -> datetime.datetime:
        """A moment within ``days`` after ``after``, never in the future."""
        return min(self.now, after + datetime.timedelta(days=self.rng.uniform(0, days)))

    def someone(self, kind: str) -> int:
        """The user id of someone of ``kind`` (see ``Person``), at random."""
        return self.rng.choice(self.people[kind]).id

    def considered_at(self, row: ReferralRow) -> datetime.datetime:
        """When the CMR Panel considered a sent referral: 36 days after it was sent."""
        assert row.submitted is not None
        return min(self.now, row.submitted + datetime.timedelta(days=36))

    def decided_at(self, row: ReferralRow) -> datetime.datetime:
        """When the SBNI Chair decided: 10 days after the panel considered the referral."""
        return min(self.now, self.considered_at(row) + datetime.timedelta(days=10))

    def grant(self, model: type[models.Model], grants: Iterable[tuple[int, int, str]]) -> None:
        """Object permissions, ``(user id, object id, codename)``, through django-guardian's
        table, as ``assign_perm`` writes them."""
        content_type = ContentType.objects.get_for_model(model)
        perms = dict(
            Permission.objects.filter(content_type=content_type).values_list("codename", "id")
        )
        self.copier.copy(
            UserObjectPermission,
            "user permission content_type object_pk",
            ((user, perms[perm], content_type.pk, str(pk)) for user, pk, perm in grants),
        )


class Part:
    """One part of the data: ``write()`` reads what earlier parts left in ``state``, writes its
    tables with the state's copier and leaves in ``state`` what later parts need."""

    def __init__(self, state: State) -> None:
        self.state = state

    def write(self) -> None:
        """Write this part's rows."""
        raise NotImplementedError
