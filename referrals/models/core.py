"""A referral: a panel's notification of a case to the SBNI, from draft to the decision on it."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cmr_portal.kernel.documents.models import Document
from cmr_portal.kernel.lists import ListEntry
from cmr_portal.kernel.words import counted
from panels.access import granted
from panels.models import SBNI_STAFF, Agency, Panel, User


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> "ReferralQuerySet":
        """Drafts and all of their own panels' referrals for panel members; submitted ones for SBNI
        staff; nothing for anyone else. The panels are named by their ids (from the person's
        grants, read once for the request), so that the planner can use the index on each
        panel's cases rather than scan them all."""
        visible = Q(panel_id__in=granted(user, "panels.view_panel_cases", Panel))
        if user.has_sbni_role(*SBNI_STAFF):
            # Ever sent: a draft withdrawn before it was sent never reaches the SBNI.
            visible |= Q(submitted_at__isnull=False)
        return self.filter(visible)

    def clock_fields(self) -> "ReferralQuerySet":
        """What a due date is worked out from (``deadlines.Clock``, when it is stored): the
        unanswered question's due date, when the Panel last recommended, when the SBNI Chair
        last sent the referral back for more information. Pages read the stored date."""
        open_request = InformationRequest.objects.filter(
            referral=models.OuterRef("pk"), answered_at__isnull=True
        )
        latest_recommendation = Recommendation.objects.filter(
            item__referral=models.OuterRef("pk")
        ).order_by("-recorded_at")
        sent_back = Decision.objects.filter(
            referral=models.OuterRef("pk"), outcome=Outcome.MORE_INFORMATION
        ).order_by("-decided_at")
        return self.annotate(
            open_request_due=models.Subquery(open_request.values("due_date")[:1]),
            recommended_at=models.Subquery(latest_recommendation.values("recorded_at")[:1]),
            sent_back_at=models.Subquery(sent_back.values("decided_at")[:1]),
        )


def asked_questions() -> "models.Prefetch[str, models.QuerySet[InformationRequest], str]":
    """Every question asked of a referral, as ``questions``: what a paused clock needs."""
    return models.Prefetch(
        "information_requests",
        InformationRequest.objects.select_related("asked_by", "answered_by"),
        to_attr="questions",
    )


class Referral(models.Model):
    """What a panel tells the SBNI about a child who died or was seriously harmed.

    Minimal identifying data only: the child's initials and dates, never a full name.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        INFORMATION_REQUESTED = "information_requested", "Information requested"
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        RECOMMENDED = "recommended", "Awaiting decision"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Another gender"
        NOT_KNOWN = "not_known", "Not known"

    class Indicator(models.TextChoices):
        ROUTE_2 = "route_17_2", "Meets route 17(2)"
        ROUTE_3 = "route_17_3", "Meets route 17(3)"
        NOT_MET = "not_met", "Not met"
        INCOMPLETE = "incomplete", "Incomplete"

    class EventType(models.TextChoices):
        DEATH = "death", "Death"
        SIGNIFICANT_HARM = "significant_harm", "Significant harm"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    # The due date of the step running while the referral is in the SBNI's hands, empty
    # otherwise: worked out and kept by ``referrals.deadlines.store_due_dates`` alone, so that
    # the database finds what is overdue or due through an index (docs/decisions/0016).
    due_on = models.DateField(null=True, blank=True, editable=False)

    # The child
    child_initials = models.CharField(max_length=5, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_estimated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="In years, when the date of birth is not known."
    )
    child_gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    child_trust_reference = models.CharField(max_length=50, blank=True)

    # What happened
    event_type = models.CharField(max_length=20, choices=EventType.choices, blank=True)
    event_date = models.DateField(null=True, blank=True)
    agency_aware_date = models.DateField(null=True, blank=True)
    event_place = models.CharField(max_length=200, blank=True)
    event_summary = models.TextField(max_length=5000, blank=True)

    # Legal status
    child_on_register = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    child_registered_from = models.DateField(null=True, blank=True)
    child_registered_to = models.DateField(null=True, blank=True)
    sibling_on_register = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    child_looked_after = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    child_looked_after_from = models.DateField(null=True, blank=True)
    child_looked_after_to = models.DateField(null=True, blank=True)
    sibling_looked_after = models.CharField(max_length=10, choices=Answer.choices, blank=True)

    # Regulation 17: each limb answered on its own, with a note
    reg17_harm = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_harm_note = models.TextField(max_length=2000, blank=True)
    reg17_abuse = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_abuse_note = models.TextField(max_length=2000, blank=True)
    reg17_register = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_register_note = models.TextField(max_length=2000, blank=True)
    reg17_looked_after = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_looked_after_note = models.TextField(max_length=2000, blank=True)
    reg17_concerns = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_concerns_note = models.TextField(max_length=2000, blank=True)
    reg17_learning = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reg17_learning_note = models.TextField(max_length=2000, blank=True)
    # Derived from the answers above by Regulation17.assess on every save, kept for the filters.
    regulation_17_indicator = models.CharField(
        max_length=20, choices=Indicator.choices, default=Indicator.INCOMPLETE, editable=False
    )

    # Who is notifying
    notifier_name = models.CharField(max_length=150, blank=True)
    notifier_role = models.CharField(max_length=150, blank=True)
    notifier_email = models.EmailField(max_length=254, blank=True)
    notifier_phone = models.CharField(max_length=30, blank=True)
    sai_reference = models.CharField(
        "Serious Adverse Incident reference", max_length=50, blank=True
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["panel", "status", "-created_at"]),
            models.Index(fields=["status", "-submitted_at"]),
            # The SBNI's lists, newest first, of every referral ever sent: one per filter.
            *(
                models.Index(
                    fields=[*fields, "-created_at"],
                    condition=Q(submitted_at__isnull=False),
                    name=f"referral_sent_{name}",
                )
                for name, fields in (
                    ("newest", []),
                    ("status", ["status"]),
                    ("event", ["event_type"]),
                    ("indicator", ["regulation_17_indicator"]),
                )
            ),
            # The clocks running, oldest first: the SBNI's overdue referrals a page at a time, the
            # due date read in the index to pass over those not overdue (the queue), and what is
            # due by a day (the reminders).
            models.Index(
                fields=["submitted_at", "id", "due_on"],
                condition=Q(due_on__isnull=False),
                name="referral_due_oldest_first",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def regulation_17(self) -> "Regulation17":
        return Regulation17.assess(self)

    @property
    def why_unchangeable(self) -> str:
        """Why a referral that is no longer a draft cannot be changed, as the pages say it:
        withdrawn (with the day) or sent."""
        if self.status == self.Status.WITHDRAWN and self.withdrawn_at:
            day = f"{timezone.localtime(self.withdrawn_at):%-d %B %Y}"
            return f"This referral was withdrawn on {day}, so it can no longer be changed."
        return "This referral has been sent, so it can no longer be changed."

    @property
    def current_decision(self) -> "Decision | None":
        return (
            self.decisions.filter(is_current=True)
            .select_related("learning_route", "amends", "decided_by")
            .first()
        )


class Timescale(models.Model):
    """The target for one step of the SBNI's consideration, in Northern Ireland working days.

    Editable by SBNI administrators. The defaults are placeholders: no SBNI timescale is confirmed.
    """

    class Step(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", "Acknowledge receipt"
        CMR_PANEL = "cmr_panel", "CMR Panel recommendation"
        CHAIR_DECISION = "chair_decision", "SBNI Chair's decision"
        INFORMATION_ANSWER = "information_answer", "Panel's answer to a request for information"

    step = models.CharField(max_length=30, choices=Step.choices, unique=True)
    working_days = models.PositiveSmallIntegerField()
    pauses_while_waiting = models.BooleanField(
        "Pause while waiting for the panel",
        default=False,
        help_text="Add the working days spent waiting for the panel's answers to this step's "
        "target.",
    )
    is_placeholder = models.BooleanField(
        default=True, help_text="Still the starting value: no SBNI timescale is confirmed."
    )

    class Meta:
        ordering = ["step"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {counted(self.working_days, 'working day')}"


class ReferenceCounter(models.Model):
    """The last number given to a panel's referrals in a year; allocation locks the one row."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "year"], name="one_counter_per_panel_year")
        ]

    def __str__(self) -> str:
        return f"{self.panel.code}-{self.year}: {self.last_number}"


class Sibling(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="siblings")
    initials = models.CharField("sibling's initials", max_length=5)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Referral.Gender.choices, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.initials


class AgencyInvolvement(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nature = models.TextField("nature of involvement", max_length=2000)
    involved_from = models.DateField(null=True, blank=True)
    involved_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.agency)


class InformationRequest(models.Model):
    """The SBNI asks the panel a question about a referral; the panel answers in the app."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="information_requests"
    )
    question = models.TextField(max_length=2000)
    due_date = models.DateField()
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    status_before = models.CharField(max_length=30, choices=Referral.Status.choices)
    answer = models.TextField(max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=models.Q(answered_at__isnull=True),
                name="information_request_open_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(answered_at__isnull=True),
                name="one_open_information_request_per_referral",
            )
        ]

    def __str__(self) -> str:
        return f"Question of {self.asked_at:%d %b %Y} on {self.referral}"


class ReferralDocument(models.Model):
    """A document the panel attached to a referral."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    # Set for a document sent with the panel's answer to a question.
    information_request = models.ForeignKey(
        InformationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.document.original_name


class Outcome(models.TextChoices):
    """What the CMR Panel recommends and the SBNI Chair decides."""

    CMR_17_2 = "cmr_17_2", "CMR required: route 17(2)"
    CMR_17_3 = "cmr_17_3", "CMR required: route 17(3)"
    NOT_REQUIRED = "not_required", "CMR not required"
    MORE_INFORMATION = "more_information", "More information needed"


CMR_REQUIRED = (Outcome.CMR_17_2, Outcome.CMR_17_3)


class LearningRoute(ListEntry):
    """Another way to learn from a case that needs no CMR. Editable: the names are unconfirmed."""


def _meetings_that_day(**more: object) -> Coalesce:
    """How many meetings share the listed meeting's date (and match ``more``), as a subquery."""
    count = (
        Meeting.objects.filter(date=OuterRef("date"), **more)
        .order_by()
        .values("date")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def held(self, today: datetime.date) -> "MeetingQuerySet":
        """Meetings that have taken place: attendance recorded, or the date before ``today``.

        Attendance is recorded at or after the meeting, so a meeting held today counts as held
        once it is recorded; one of today without attendance is still to come."""
        return self.filter(Q(is_quorate__isnull=False) | Q(date__lt=today))

    def coming(self, today: datetime.date) -> "MeetingQuerySet":
        """Meetings still to take place: today or later, attendance not yet recorded."""
        return self.filter(is_quorate__isnull=True, date__gte=today)

    def listed(self) -> "MeetingQuerySet":
        """With ``same_day`` (how many meetings share the date) and ``number_that_day`` (this
        one's place among them, in the order they were scheduled), so that each link on a list
        can say which meeting it is."""
        return self.annotate(
            same_day=_meetings_that_day(),
            number_that_day=_meetings_that_day(id__lte=OuterRef("id")),
        )


class Meeting(models.Model):
    """A meeting of the CMR Panel: its agenda, notice, attendance and quorum."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    notice_given_on = models.DateField(null=True, blank=True)
    # Recorded with the attendance, so that an inquorate meeting stays on the record as such.
    is_quorate = models.BooleanField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"CMR Panel meeting on {self.date:%d %B %Y}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    is_chair = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_chair", "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class AgendaItem(models.Model):
    """A referral on a meeting's agenda. Added after notice was given, it is late business."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="agenda_items")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="referral_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"{self.referral} at the {self.meeting}"


class Declaration(models.Model):
    """A member's declaration of interest in one referral on the agenda."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    interest = models.TextField(max_length=1000)
    took_part = models.BooleanField("took part in the discussion")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.member}: {self.interest[:40]}"


class Recommendation(models.Model):
    """The CMR Panel's recommendation on one referral, made at a meeting."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="recommendation")
    # The Panel's own view of each limb of regulation 17
    harm = models.CharField("17(2)(a)", max_length=10, choices=Answer.choices)
    abuse = models.CharField("17(2)(b)(i)", max_length=10, choices=Answer.choices)
    register = models.CharField("17(2)(b)(ii)", max_length=10, choices=Answer.choices)
    looked_after = models.CharField("17(2)(b)(iii)", max_length=10, choices=Answer.choices)
    concerns = models.CharField("17(2)(c)", max_length=10, choices=Answer.choices)
    learning = models.CharField("17(3)", max_length=10, choices=Answer.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    learning_route = models.ForeignKey(
        LearningRoute, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(max_length=5000)
    departure_reason = models.TextField(
        "reason for departing from the regulation 17 indicator", max_length=2000, blank=True
    )
    dissent = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(learning_route__isnull=True) | Q(outcome=Outcome.NOT_REQUIRED),
                name="recommendation_learning_route_only_without_cmr",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.item.referral})"


class Decision(models.Model):
    """The SBNI Chair's decision on a referral.

    Final once recorded: an amendment is a new row that names the one it replaces and why. A
    decision of "more information needed" sends the referral back and is never current.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    learning_route = models.ForeignKey(
        LearningRoute, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(max_length=5000)
    departure_reason = models.TextField(
        "reason for departing from the regulation 17 indicator", max_length=2000, blank=True
    )
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)
    amends = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by"
    )
    amendment_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [
            # A panel's recent decisions, newest first (its members' home page): read from the
            # newest back, not from every decision ever made (53 ms at scale 1, issue 18).
            models.Index(
                fields=["-decided_at", "-id"],
                condition=Q(is_current=True),
                name="current_decisions_newest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(is_current=True),
                name="one_current_decision_per_referral",
            ),
            models.CheckConstraint(
                condition=~(Q(is_current=True) & Q(outcome=Outcome.MORE_INFORMATION)),
                name="more_information_is_never_current",
            ),
            models.CheckConstraint(
                condition=(Q(amends__isnull=True) & Q(amendment_reason=""))
                | (Q(amends__isnull=False) & ~Q(amendment_reason="")),
                name="amendment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(learning_route__isnull=True) | Q(outcome=Outcome.NOT_REQUIRED),
                name="decision_learning_route_only_without_cmr",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.referral})"

    @property
    def requires_cmr(self) -> bool:
        return self.outcome in CMR_REQUIRED


@dataclass(frozen=True)
class Regulation17:
    """Whether the answers meet a route of regulation 17, and why, in words."""

    indicator: str
    explanation: str

    @property
    def label(self) -> str:
        return str(Referral.Indicator(self.indicator).label)

    @property
    def met(self) -> str:
        """What the answers meet, to follow "The panel's answers": "meet route 17(2) of
        regulation 17", "meet neither route of regulation 17" or "are incomplete"."""
        return {
            Referral.Indicator.ROUTE_2: "meet route 17(2) of regulation 17",
            Referral.Indicator.ROUTE_3: "meet route 17(3) of regulation 17",
            Referral.Indicator.NOT_MET: "meet neither route of regulation 17",
        }.get(Referral.Indicator(self.indicator), "are incomplete")

    def departure(self, outcome: str) -> str | None:
        """How an outcome (an ``Outcome`` value) departs from this indicator, in a sentence, or
        None where it follows it.

        It departs when it says "CMR not required" although a route is met, a CMR by a route
        other than the one met, or a CMR when neither route is met. "More information needed"
        and incomplete answers (nothing to depart from) never depart.
        """
        routes = {
            Referral.Indicator.ROUTE_2: Outcome.CMR_17_2,
            Referral.Indicator.ROUTE_3: Outcome.CMR_17_3,
        }
        if outcome == Outcome.MORE_INFORMATION or self.indicator == Referral.Indicator.INCOMPLETE:
            return None
        if routes.get(Referral.Indicator(self.indicator)) == outcome:
            return None
        if self.indicator == Referral.Indicator.NOT_MET and outcome == Outcome.NOT_REQUIRED:
            return None
        return (
            f"The panel's answers {self.met}, as the portal assesses them, "
            f"but the outcome chosen is “{Outcome(outcome).label}”."
        )

    @classmethod
    def assess(cls, referral: Referral) -> "Regulation17":
        yes, no = Answer.YES, Answer.NO
        harm = referral.reg17_harm
        limb_b = [referral.reg17_abuse, referral.reg17_register, referral.reg17_looked_after]
        concerns, learning = referral.reg17_concerns, referral.reg17_learning
        if harm == no:
            return cls(
                Referral.Indicator.NOT_MET,
                "The child has not died or been significantly harmed: 17(2)(a).",
            )
        if harm != yes:
            return cls(
                Referral.Indicator.INCOMPLETE,
                "Say whether the child has died or been significantly harmed: 17(2)(a).",
            )
        if yes in limb_b and concerns == yes:
            return cls(
                Referral.Indicator.ROUTE_2,
                "The child died or was significantly harmed, a condition of 17(2)(b) is met, "
                "and there are concerns about how agencies safeguarded the child: 17(2)(c).",
            )
        if learning == yes:
            return cls(
                Referral.Indicator.ROUTE_3,
                "Agencies worked effectively and there is outstanding positive learning: 17(3).",
            )
        route_2_fails = concerns == no or all(answer == no for answer in limb_b)
        if not route_2_fails or learning != no:
            return cls(
                Referral.Indicator.INCOMPLETE,
                "Some answers are missing or not known, so it cannot be shown whether a route "
                "is met: 17(2)(b) and (c) and 17(3) each need a yes or a no.",
            )
        return cls(
            Referral.Indicator.NOT_MET,
            "Neither route is met: 17(2) needs a condition of (b) and concerns under (c); "
            "17(3) needs outstanding positive learning.",
        )
