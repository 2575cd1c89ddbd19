from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which record, when and from where.

    Append-only. The app refuses changes and deletions, and on PostgreSQL a trigger refuses
    UPDATE and DELETE on the table too. Users are deactivated, never deleted, so the actor stays.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the index on (actor, created_at) serves
        help_text="Empty for actions taken by the system itself.",
    )
    action = models.CharField(max_length=100, help_text="What happened, e.g. referral.submitted.")
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.TextField()
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Millions of rows, one more with every case viewed: an index earns its place by a
        # reading that would otherwise scan them. The trail in order, and a period of it (the
        # admin's date filter); a record's history, or a target id searched in the admin; one
        # person's actions; actions by name or kind (``LIKE 'user.%'``, whatever the collation).
        indexes = [
            models.Index(fields=["created_at", "id"], name="audit_event_created"),
            models.Index(
                fields=["target_id", "target_type", "-created_at"], name="audit_event_target"
            ),
            models.Index(fields=["actor", "-created_at"]),
            models.Index(
                fields=["action"], opclasses=["varchar_pattern_ops"], name="audit_event_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d %b %Y %H:%M} {self.action}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be deleted.")
