from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """Something a person needs to know, with a link to where it is. No case details."""

    # No index of its own: the first column of the index on (recipient, read_at, -created_at)
    # serves it, and every notification written updates one index fewer.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The email's delivery (see tasks.py): tried until it goes or the horizon passes, counted
    # from ``email_since``; the beat sweep finds what is due through ``next_attempt_at``.
    email_since = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    email_gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The admin's list, newest first (200,000 notifications at scale 1).
            models.Index(fields=["created_at", "id"], name="notification_created"),
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_not_emailed",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(emailed_at__isnull=True, next_attempt_at__isnull=False),
                name="notification_email_due",
            ),
        ]
        permissions = [("send_email_again", "Can send a notification's email again")]

    def __str__(self) -> str:
        return self.message


class Reminder(models.Model):
    """One reminder: a stage of one deadline, for one person. The unique row is what makes each
    reminder go once, whatever number of sweeps run, retry or die half way."""

    deadline = models.CharField(max_length=100)
    stage = models.CharField(max_length=30)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "recipient"], name="one_reminder_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} {self.stage} to {self.recipient_id}"
