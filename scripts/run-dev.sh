#!/usr/bin/env bash
# Serve the portal on http://127.0.0.1:8000 with a Celery worker and beat on the filesystem broker.
# Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT

.venv/bin/celery -A cmr_portal worker --beat --loglevel=INFO --concurrency=1 \
  --schedule=var/celerybeat-schedule &
.venv/bin/python manage.py runserver 127.0.0.1:8000
