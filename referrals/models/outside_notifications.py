"""The SBNI's notifications to bodies outside the portal about a referral, with their letters.
Rules and writes: ``referrals.notices``."""

import uuid

from django.db import models
from django.db.models import Q

from cmr_portal.kernel.documents.models import Document
from panels.models import Agency, User
from referrals.models.core import Referral


class OutsideNotification(models.Model):
    """The SBNI told a body outside the portal about a referral: whom (a body and a role, never
    a private person), when, who sent it, what and how, with the letter if one was made from a
    template. Distinct from the portal's own notifications to its users. Rules and writes:
    ``referrals.notices``."""

    class Recipient(models.TextChoices):
        DEPARTMENT_OF_HEALTH = "department_of_health", "Department of Health"
        AGENCY = "agency", "An agency involved"
        CORONER = "coroner", "Coroners Service for Northern Ireland"
        PUBLIC_PROSECUTION_SERVICE = "pps", "Public Prosecution Service for Northern Ireland"
        PSNI = "psni", "Police Service of Northern Ireland"
        NSPCC = "nspcc", "NSPCC"
        OTHER = "other", "Another organisation"

    class Subject(models.TextChoices):
        DECISION = "decision", "The SBNI Chair's decision"
        PUBLICATION = "publication", "Notice of publication"
        OTHER = "other", "Something else"

    class Method(models.TextChoices):
        LETTER = "letter", "Letter"
        SECURE_EMAIL = "secure_email", "Secure email"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        MEETING = "meeting", "Meeting"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="outside_notifications"
    )
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(max_length=150, blank=True)
    role = models.CharField("recipient's role", max_length=150, blank=True)
    sent_on = models.DateField("date sent")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("what", max_length=20, choices=Subject.choices)
    description = models.CharField(max_length=300, blank=True)
    method = models.CharField("how", max_length=20, choices=Method.choices)
    letter = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["referral", "-sent_on", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient="agency", agency__isnull=False)
                | (~Q(recipient="agency") & Q(agency__isnull=True)),
                name="outside_notification_agency_only_for_an_agency",
            ),
            models.CheckConstraint(
                condition=(Q(recipient="other") & ~Q(organisation=""))
                | (~Q(recipient="other") & Q(organisation="")),
                name="outside_notification_organisation_only_for_another",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} to {self.body} ({self.referral})"

    @property
    def body(self) -> str:
        """The body told, by its name: the agency's, the organisation typed, or the fixed one."""
        if self.agency is not None:
            return self.agency.name
        return self.organisation or str(self.Recipient(self.recipient).label)

    @property
    def addressee(self) -> str:
        """The role and the body, as a letter is addressed: "Chief Executive, NSPCC"."""
        return f"{self.role}, {self.body}" if self.role else self.body
