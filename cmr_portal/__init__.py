"""The CMR portal project. Its top is the project shell (settings, root URLs, the Celery app, the
admin site, the home page); ``cmr_portal.kernel`` is the shared kernel below every domain app, and
``cmr_portal.tooling`` the demo data, scale data and benchmarks beside the product."""

from cmr_portal.celery import app as celery_app

__all__ = ["celery_app"]
