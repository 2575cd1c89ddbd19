"""The one way to write to the audit trail."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.client import client_address


def record(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    summary: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``.

    Call it inside the transaction of the change it records, so that both happen or neither does.
    """
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary,
        changes=changes or {},
        ip_address=(client_address(request) or None) if request is not None else None,
    )
