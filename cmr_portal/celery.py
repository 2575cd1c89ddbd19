"""The Celery app. Its configuration is the ``CELERY_*`` part of the Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmr_portal.settings")

app = Celery("cmr_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
