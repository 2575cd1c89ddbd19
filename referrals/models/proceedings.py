"""Parallel proceedings: the processes running alongside a case (a police investigation, a trial,
an inquest...) and what they ask of its review. Rules and writes: ``referrals.proceedings``."""

import uuid

from django.db import models
from django.db.models import Q

from panels.models import User
from referrals.models.core import Referral


class ProceedingQuerySet(models.QuerySet["Proceeding"]):
    def still_open(self) -> "ProceedingQuerySet":
        """Those not yet concluded: under way, or awaiting an outcome."""
        return self.exclude(status=Proceeding.Status.CONCLUDED)


# Kinds of proceeding whose names begin with a proper noun, capitals kept in a sentence.
PROPER_KINDS = ("prosecution_decision", "serious_adverse_incident")


class Proceeding(models.Model):
    """A process running alongside the case (a police investigation, an inquest, a trial...),
    with what it asks of the review. Its contact is a role in an organisation, never a private
    person. While one that blocks publication is open and its embargo not lifted, the
    publication version of the review can be neither signed off nor made
    (``referrals.proceedings.embargoes``)."""

    class Kind(models.TextChoices):
        POLICE_INVESTIGATION = "police_investigation", "Police investigation"
        PROSECUTION_DECISION = "prosecution_decision", "Public Prosecution Service decision"
        CRIMINAL_TRIAL = "criminal_trial", "Criminal trial"
        INQUEST = "inquest", "Coroner's inquest"
        FAMILY_COURT = "family_court", "Family court proceedings"
        SERIOUS_ADVERSE_INCIDENT = (
            "serious_adverse_incident",
            "Serious Adverse Incident review by a Trust",
        )
        DISCIPLINARY = "disciplinary", "Disciplinary process"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        UNDER_WAY = "under_way", "Under way"
        AWAITING_OUTCOME = "awaiting_outcome", "Awaiting an outcome"
        CONCLUDED = "concluded", "Concluded"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    other_kind = models.CharField("what kind of process", max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNDER_WAY)
    started_on = models.DateField("started on", null=True, blank=True)
    next_date = models.DateField("next key date", null=True, blank=True)
    next_date_what = models.CharField("what the next key date is", max_length=200, blank=True)
    concluded_on = models.DateField("date concluded", null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    contact_role = models.CharField(
        "contact's role",
        max_length=150,
        blank=True,
        help_text="A role, such as “Senior investigating officer”: never a private person.",
    )
    contact_organisation = models.CharField(
        "contact's organisation",
        max_length=150,
        blank=True,
        help_text="Such as “PSNI Public Protection Branch” or “Coroners Service”.",
    )
    constraints = models.TextField("constraints on the review", max_length=2000, blank=True)
    blocks_publication = models.BooleanField("no publication while this is open", default=False)
    shared_with_panel = models.BooleanField("shared with the referring panel", default=False)
    embargo_lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    embargo_lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    embargo_lift_reason = models.TextField(max_length=2000, blank=True, editable=False)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ProceedingQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="concluded", concluded_on__isnull=False)
                | (~Q(status="concluded") & Q(concluded_on__isnull=True)),
                name="proceeding_concluded_has_its_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(other_kind=""),
                name="proceeding_other_says_which",
            ),
            models.CheckConstraint(
                condition=Q(embargo_lifted_at__isnull=True) | ~Q(embargo_lift_reason=""),
                name="proceeding_embargo_lifted_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What the process is, as the pages name it: its kind, or what "other" is."""
        return self.other_kind if self.kind == self.Kind.OTHER else str(self.get_kind_display())

    @property
    def phrase(self) -> str:
        """The name in the middle of a sentence: "a coroner's inquest", but "a Public
        Prosecution Service decision"; what "other" is, as typed."""
        if self.kind in (self.Kind.OTHER, *PROPER_KINDS):
            return self.name
        return self.name[0].lower() + self.name[1:]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CONCLUDED

    @property
    def holds_publication(self) -> bool:
        """Whether it holds the publication back now: open, blocking, and not lifted."""
        return self.is_open and self.blocks_publication and self.embargo_lifted_at is None
