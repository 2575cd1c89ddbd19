"""The CMR portal project: settings, root URLs, the Celery app and cross-cutting apps."""

from cmr_portal.celery import app as celery_app

__all__ = ["celery_app"]
