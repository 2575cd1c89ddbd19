"""A Case Management Review: opened when the SBNI Chair decides that one is required, run by its
review team in the workspace, approved, followed up until practice has changed, then closed."""

import datetime
import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cmr_portal.kernel.documents.models import Document
from cmr_portal.kernel.lists import ListEntry
from cmr_portal.kernel.words import counted
from panels.models import Agency, User
from referrals.models import Decision, Proceeding, Referral


class LearningTheme(ListEntry):
    """A theme of learning, applied to reviews and findings."""


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Route(models.TextChoices):
        ROUTE_17_2 = "17(2)", "17(2)"
        ROUTE_17_3 = "17(3)", "17(3)"

    class Stage(models.TextChoices):
        DRAFTING = "drafting", "Being drafted"
        PANEL_SCRUTINY = "panel_scrutiny", "With the CMR Panel chair"
        CHAIR_APPROVAL = "chair_approval", "With the SBNI Chair"
        FOLLOW_UP = "follow_up", "Approved: following up the actions"
        CLOSED = "closed", "Closed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=30, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reviews")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    route = models.CharField(max_length=10, choices=Route.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFTING)
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="reviews")
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    # The step of the review's own timescale running now and its due date, worked out by
    # ``reviews.clock`` and stored whenever anything that moves it changes (docs/decisions/0017).
    # Both empty when no step runs; the date empty while the clock is paused.
    due_step = models.CharField(max_length=30, blank=True, editable=False)
    due_on = models.DateField(null=True, blank=True, editable=False)
    # An SBNI officer's choice: the referring panel sees the name of the family's contact in
    # the review team on the review's progress page (reviews.family.set_contact_shared).
    family_contact_shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["-opened_at", "-id"], name="review_newest"),
            models.Index(
                fields=["due_on"], condition=Q(due_on__isnull=False), name="review_due_on"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="open"),
                name="one_open_review_per_referral",
            )
        ]
        permissions = [
            ("see_review", "See the review's records and drafts"),
            ("draft_review", "Draft the review"),
            ("lead_review", "Lead the review"),
        ]

    def __str__(self) -> str:
        return self.reference


class ReviewMember(models.Model):
    """Someone appointed to a review's team, with object permissions on that review only."""

    class Role(models.TextChoices):
        LEAD = "lead", "Independent chair or lead reviewer"
        REVIEWER = "reviewer", "Review team member"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="review_memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    appointed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="once_per_review_team"),
            models.UniqueConstraint(
                fields=["review"], condition=Q(role="lead"), name="one_lead_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# The purposes of a CMR, from the guide: the terms of reference say which this review serves.
PURPOSES = [
    ("strengthen", "Strengthen the child protection system"),
    ("systems", "Examine organisational systems and processes"),
    ("facts", "Establish the facts"),
    ("worked_well", "Identify what worked well"),
    ("learning", "Support continuous learning"),
    (
        "lessons",
        "Decide whether there are lessons, especially about how professionals work together",
    ),
    ("actions", "Establish what the lessons are, what action will be taken and what should change"),
]


class TermsOfReference(models.Model):
    """One version of a review's terms of reference; a change saves a new version."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField()
    period_from = models.DateField()
    period_to = models.DateField()
    lines_of_enquiry = models.TextField(max_length=5000)
    purposes = models.JSONField(default=list)
    agencies = models.ManyToManyField(Agency, related_name="+")
    agreed_on = models.DateField(null=True, blank=True)
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="one_terms_version")
        ]

    def __str__(self) -> str:
        return f"Terms of reference of {self.review}, version {self.version}"


class AgencyReport(models.Model):
    """A request to one agency for its report and chronology, and what it sent."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        ACCEPTED = "accepted", "Accepted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="agency_reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agency_reports")
    asked = models.TextField(max_length=2000)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    report = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chronology = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="one_request_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} report for {self.review}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.REQUESTED and self.due_date < timezone.localdate()


class ChronologyEntry(models.Model):
    """One event in the integrated chronology, from any agency."""

    class Significance(models.TextChoices):
        KEY = "key", "Key event"
        RELEVANT = "relevant", "Relevant"
        CONTEXT = "context", "Context"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="chronology")
    date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    event = models.TextField(max_length=2000)
    source = models.CharField("source document", max_length=200, blank=True)
    significance = models.CharField(max_length=10, choices=Significance.choices)
    notes = models.TextField(max_length=2000, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "end_date", "id"]
        indexes = [models.Index(fields=["review", "date", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="chronology_range_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.event[:40]}"


class FindingSection(models.Model):
    """The findings on one question of the guide, drafted online by the team."""

    class Key(models.TextChoices):
        WHAT_HAPPENED = "what_happened", "What happened?"
        PREVENTION = "prevention", "What could have been done to prevent the abuse or neglect?"
        TYPICALITY = (
            "typicality",
            ("Is there typicality in the contextual factors and in the agencies' responses?"),
        )
        CHANGES = (
            "changes",
            ("What changes to the way agencies operate could help prevent abuse or neglect?"),
        )
        PRACTICE_CHANGED = (
            "practice_changed",
            ("Have agencies changed their practice as a result of the learning?"),
        )
        WORKED_WELL = "worked_well", "What worked well?"
        # Last, so that a review opened before it (given it by migration) reads in the same order.
        FAMILY_VIEWS = "family_views", "The family's views"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20, choices=Key.choices)
    text = models.TextField(blank=True)
    # The text as HTML, rendered and cleaned by nh3 once for each save (drafting.render).
    html = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="sections")
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    # What lets reviews.drafting.save_section tell a writer's own saves from someone else's:
    # every version after ``run_from`` was saved by ``updated_by``, and the current text came
    # from ``saved_page`` (one load of the section in one browser tab) at its edit ``saved_edit``.
    run_from = models.PositiveIntegerField(default=0)
    saved_page = models.CharField(max_length=32, blank=True)
    saved_edit = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="one_section_per_key")
        ]

    def __str__(self) -> str:
        return str(self.get_key_display())

    @property
    def rendered(self) -> SafeString:
        """The text as HTML, to show: cleaned by nh3 when it was saved."""
        return mark_safe(self.html)  # noqa: S308 - cleaned by nh3 when saved


class FindingVersion(models.Model):
    """A saved state of a section. Autosaves by one person close together share a version."""

    section = models.ForeignKey(FindingSection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.section}, version {self.number}"


class SectionComment(models.Model):
    section = models.ForeignKey(FindingSection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.section}"


class ReviewRecommendation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=2000)
    findings = models.ManyToManyField(FindingSection, blank=True, related_name="recommendations")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_recommendation_number")
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


def open_due() -> Case:
    """An action's due date while it is open (not started, on track or at risk), empty once
    completed or verified. Indexed (``action_open_due``), so that the reminders find the open
    actions due among a million through the index: PostgreSQL keeps statistics on an index's
    expression, where on (status, due date) it multiplies the two columns' shares as if they
    were unrelated, expects a hundred thousand rows where there are a few thousand, and reads
    them all. A query must say it the same way to use it: ``.alias(open_due=open_due())``."""
    return Case(When(status__in=["not_started", "on_track", "at_risk"], then=F("due_date")))


class Action(models.Model):
    """What an agency will do for a recommendation, followed until SBNI staff verify it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        COMPLETED = "completed", "Completed"
        VERIFIED = "verified", "Verified"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recommendation = models.ForeignKey(
        ReviewRecommendation, on_delete=models.CASCADE, related_name="actions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.CharField(max_length=150, help_text="The post that owns the action.")
    description = models.TextField(max_length=2000)
    due_date = models.DateField()
    measure = models.TextField("measure of success", max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # An agency's actions still to do, listed for its contacts.
            models.Index(
                fields=["agency", "due_date", "id"],
                condition=~Q(status="verified"),
                name="action_open_by_agency",
            ),
            models.Index(open_due(), name="action_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.description[:40]}"

    @classmethod
    def is_overdue(cls, status: str, due_date: datetime.date, today: datetime.date) -> bool:
        """An action not completed by its due date is overdue (from the day after it)."""
        return status not in (cls.Status.COMPLETED, cls.Status.VERIFIED) and due_date < today

    def state(self, today: datetime.date | None = None) -> tuple[str, str]:
        """The status to show and its colour: overdue (red) is derived from the due date."""
        today = today or timezone.localdate()
        if self.is_overdue(self.status, self.due_date, today):
            return "Overdue", "red"
        colour = {
            self.Status.NOT_STARTED: "grey",
            self.Status.ON_TRACK: "green",
            self.Status.AT_RISK: "yellow",
            self.Status.COMPLETED: "blue",
            self.Status.VERIFIED: "green",
        }[self.Status(self.status)]
        return str(self.get_status_display()), colour


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Action.Status.choices)
    note = models.TextField(max_length=2000)
    evidence = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.action}"


EXPORT_STUCK_AFTER = datetime.timedelta(minutes=10)


class BackgroundExport(models.Model):
    """A document made by a worker in the background and kept under the hash of its content,
    so that the same content asked for again downloads at once."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why it failed, when the reason is for the user (an original name still in the PDF).
    failure = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @property
    def is_stuck(self) -> bool:
        """Queued or rendering for too long: the broker was down or a worker died."""
        since = self.started_at or self.requested_at
        waiting = self.status in (self.Status.QUEUED, self.Status.RENDERING)
        return waiting and since < timezone.now() - EXPORT_STUCK_AFTER


class ReportExport(BackgroundExport):
    """A long review document rendered in the background: an unchanged report downloads at
    once."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="exports")
    slug = models.CharField(max_length=30)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(BackgroundExport.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["review", "slug", "content_hash"], name="one_export_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} of {self.review} ({self.get_status_display()})"


class ChronologyImport(models.Model):
    """A long chronology file imported by a worker, all or nothing, its progress shown: the file
    is kept as a Document for the worker to read."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        READING = "reading", "Being checked"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Needs correcting"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="imports")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(help_text="Rows with something in them, the heading too")
    rows_read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    # The rows to correct: [{"number": 12, "problems": ["Enter the date"]}, ...]
    problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True, help_text="Why the file as a whole was refused")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.document} for {self.review} ({self.get_status_display()})"

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.READING)


class Pseudonym(models.Model):
    """A word or name to replace in the publication version: "Jane" becomes "Mother"."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="pseudonyms")
    original = models.CharField(max_length=100)
    replacement = models.CharField(max_length=100)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["original"]
        constraints = [
            models.UniqueConstraint(fields=["review", "original"], name="one_pseudonym_per_word")
        ]

    def __str__(self) -> str:
        return f"{self.original} → {self.replacement}"


# What is checked before the publication version goes out; all must be confirmed.
PUBLICATION_CHECKS = [
    ("names", "Every name of the child, the family and others is in the pseudonym map"),
    ("places", "Addresses, schools and places that could identify the family are replaced"),
    ("professionals", "Professionals are described by their role, not their name"),
    ("read", "The publication version has been read through from start to finish"),
    ("approved", "The SBNI has approved publication"),
    ("family_views", "The family's views are reflected in the report"),
]


class PublicationSignOff(models.Model):
    """The pre-publication checklist, signed off: the publication version may be exported."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="sign_off")
    checks = models.JSONField()
    signed_off_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Publication of {self.review} signed off"


class StageChange(models.Model):
    """A step of approval or closure, with the comments given (a return says what to change)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Review.Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Review.Stage.choices)
    comments = models.TextField(max_length=5000, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.review}: {self.from_stage} to {self.to_stage}"


class ReviewTimescale(models.Model):
    """The target for one step of a review, from the step's start, in Northern Ireland working
    days or in calendar months. Editable by system administrators; the defaults are placeholders:
    no SBNI timescale for a review's steps is confirmed."""

    class Step(models.TextChoices):
        TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference agreed"
        DRAFT_REPORT = "draft_report", "Draft report submitted to the CMR Panel chair"
        PANEL_APPROVAL = "panel_approval", "Draft report approved by the CMR Panel chair"
        CHAIR_APPROVAL = "chair_approval", "Report approved by the SBNI Chair"
        PUBLICATION = "publication", "Publication version signed off"

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "working days"
        MONTHS = "months", "months"

    step = models.CharField(max_length=30, choices=Step.choices, unique=True)
    length = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.WORKING_DAYS)
    is_placeholder = models.BooleanField(
        default=True, help_text="Still the starting value: no SBNI timescale is confirmed."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.length} {self.get_unit_display()}"

    @property
    def described(self) -> str:
        """The target in words, "20 working days" or "1 month"."""
        if self.unit == self.Unit.MONTHS:
            return counted(self.length, "month")
        return counted(self.length, "working day")


class ClockPause(models.Model):
    """A time during which the review's clock stood still, with the reason (for example at the
    police's request). Working days from ``started_on`` (exclusive) to ``ended_on`` (inclusive)
    are added to every due date of the review's own steps that runs across them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="pauses")
    reason = models.TextField(max_length=1000)
    # The parallel proceeding the clock waits for, when it is one (a trial, an inquest).
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.PROTECT, null=True, blank=True, related_name="pauses"
    )
    started_on = models.DateField()
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(ended_on__isnull=True), name="one_open_pause"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause of {self.review} from {self.started_on}"


class Extension(models.Model):
    """A request to move the due date of the step running on a review, with the reason, and the
    CMR Panel chair's decision with theirs. Approved, the new date replaces the step's due date;
    pauses after the decision still add to it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extensions")
    step = models.CharField(max_length=30, choices=ReviewTimescale.Step.choices)
    due_before = models.DateField(help_text="The step's due date when the extension was asked")
    new_due = models.DateField("new due date")
    reason = models.TextField(max_length=2000)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(status="requested"), name="one_extension_asked"
            ),
            models.CheckConstraint(
                condition=Q(new_due__gt=F("due_before")), name="extension_moves_later"
            ),
        ]

    def __str__(self) -> str:
        return f"Extension of {self.review} to {self.new_due}"


class FamilyMember(models.Model):
    """Someone of the child's family on the review's family liaison plan: by role only, never by
    name (``reviews.family``)."""

    class Role(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEPMOTHER = "stepmother", "Stepmother"
        STEPFATHER = "stepfather", "Stepfather"
        GRANDMOTHER = "grandmother", "Grandmother"
        GRANDFATHER = "grandfather", "Grandfather"
        AUNT = "aunt", "Aunt"
        UNCLE = "uncle", "Uncle"
        SIBLING = "sibling", "Sibling"
        CARER = "carer", "Carer"
        OTHER = "other", "Other relative"

    class Participation(models.TextChoices):
        TO_BE_INVITED = "to_be_invited", "To be invited"
        INVITED = "invited", "Invited"
        TAKING_PART = "taking_part", "Taking part"
        DECLINED = "declined", "Declined"
        NOT_TO_BE_CONTACTED = "not_to_be_contacted", "Not to be contacted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="family")
    role = models.CharField(max_length=20, choices=Role.choices)
    qualifier = models.CharField(max_length=40, blank=True)
    participation = models.CharField(
        max_length=20, choices=Participation.choices, default=Participation.TO_BE_INVITED
    )
    not_contacted_reason = models.TextField(max_length=1000, blank=True)
    contact = models.ForeignKey(
        ReviewMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="family"
    )
    arrangements = models.TextField(max_length=1000, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(participation="not_to_be_contacted") | ~Q(not_contacted_reason=""),
                name="family_not_contacted_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.described

    @property
    def described(self) -> str:
        """The role, with its qualifier: "Grandmother (maternal)"."""
        role = str(self.get_role_display())
        return f"{role} ({self.qualifier})" if self.qualifier else role


class FamilyContact(models.Model):
    """A contact with the family, in the review's log: when, by whom, with whom, how and why,
    what was shared and what the family wished."""

    class Method(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        VIDEO = "video", "Video call"

    class Purpose(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        CONTRIBUTION = "contribution", "Their contribution"
        DRAFT_SHARED = "draft_shared", "The draft report shared"
        DRAFT_RESPONSE = "draft_response", "Their response to the draft"
        PUBLICATION_DATE = "publication_date", "Told the date of publication"
        OTHER = "other", "Other"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="family_contacts")
    date = models.DateField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(FamilyMember, related_name="contacts")
    method = models.CharField(max_length=10, choices=Method.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    shared = models.TextField("what was shared", max_length=2000, blank=True)
    wishes = models.TextField("the family's wishes", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["review", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}, {self.date}"
