"""A Case Management Review, opened when the SBNI Chair decides that one is required.

The review workspace issue fills it in; here it holds what the decision settles.
"""

import uuid

from django.db import models
from django.db.models import Q

from panels.models import User
from referrals.models import Decision, Referral


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Route(models.TextChoices):
        ROUTE_17_2 = "17(2)", "17(2)"
        ROUTE_17_3 = "17(3)", "17(3)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=30, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reviews")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    route = models.CharField(max_length=10, choices=Route.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="open"),
                name="one_open_review_per_referral",
            )
        ]

    def __str__(self) -> str:
        return self.reference
