"""Values every page template needs."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    return {
        "protective_marking": settings.PROTECTIVE_MARKING,
        "service_name": "Case Management Review portal",
    }
