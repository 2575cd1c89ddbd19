"""The generator: the parts of the scale data written in the order their rows point at each
other, then the id sequences moved past the ids chosen here."""

import random
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.tooling.scale_data.base import Part, State
from cmr_portal.tooling.scale_data.copier import Copier
from cmr_portal.tooling.scale_data.findings import Findings
from cmr_portal.tooling.scale_data.meetings import Meetings
from cmr_portal.tooling.scale_data.people import People
from cmr_portal.tooling.scale_data.real_life import RealLife
from cmr_portal.tooling.scale_data.referrals import Referrals
from cmr_portal.tooling.scale_data.reviews import Reviews
from cmr_portal.tooling.scale_data.trail import Trail
from panels.models import Membership, User
from referrals.models import (
    AgencyInvolvement,
    AgendaItem,
    Attendance,
    Decision,
    InformationRequest,
    Meeting,
    OutsideNotification,
    Proceeding,
    Recommendation,
    Referral,
    Sibling,
)
from referrals.services import refresh_due_dates
from reviews import timescales
from reviews.models import (
    Action,
    ActionUpdate,
    AgencyReport,
    ChronologyEntry,
    ClockPause,
    Extension,
    FamilyContact,
    FamilyMember,
    FindingSection,
    FindingVersion,
    Review,
    ReviewMember,
    ReviewRecommendation,
    StageChange,
    TermsOfReference,
)

# Each part reads what the parts before it wrote.
PARTS: list[type[Part]] = [People, Referrals, Meetings, Reviews, Findings, RealLife, Trail]


@dataclass
class Generator:
    """Writes the data of one scale (1 is the UK over ten years). Call ``run()`` inside a
    transaction, on a migrated database that holds no referral."""

    scale: float
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311
    copier: Copier = field(default_factory=Copier)

    def __post_init__(self) -> None:
        self.state = State(self.scale, self.rng, self.copier)

    def run(self) -> dict[str, dict[str, float]]:
        """Write every part; return the rows and seconds per table (see ``Copier.timings``)."""
        for part in PARTS:
            part(self.state).write()
        # Once every record a clock reads is written: the due dates by the portal's own rule.
        refresh_due_dates()
        timescales.refresh_due_dates()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self.written_models()):
                cursor.execute(sql)
        return self.copier.timings

    @staticmethod
    def written_models() -> list[type[models.Model]]:
        """The models whose tables the generator writes with ids of its own."""
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
            Proceeding,
            FamilyMember,
            FamilyContact,
            ClockPause,
            Extension,
            OutsideNotification,
            Notification,
            AuditEvent,
        ]
