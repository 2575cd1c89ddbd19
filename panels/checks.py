"""System checks about the people who may sign in."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from panels.models import User


@register(Tags.security)
def superusers_in_production(**kwargs: Any) -> list[CheckMessage]:
    """In production, a warning for every superuser account (``panels.W001``).

    A superuser sees no case (``panels.access``) but holds every permission of the admin site,
    so can make themselves anything there: an account that is a standing risk once the portal
    is set up. Not checked where the database cannot be read (before ``migrate``, say)."""
    if not settings.PRODUCTION:
        return []
    try:
        emails = list(User.objects.filter(is_superuser=True).values_list("email", flat=True))
    except DatabaseError:
        return []
    return [
        Warning(
            f"The account {email} is a superuser.",
            hint=(
                "Superusers may use the admin site but see no case, and can grant themselves any "
                "role there. Once the portal is set up, give system administrators the 'System "
                "administrator' role and turn 'superuser status' off for every account."
            ),
            obj=email,
            id="panels.W001",
        )
        for email in emails
    ]
