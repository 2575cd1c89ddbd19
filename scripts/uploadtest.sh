#!/usr/bin/env bash
# The upload test of issue 15, item 2: the worst chronology files, three at once, on gunicorn with
# 3 sync workers and the production settings on 127.0.0.1, /healthz asked every 100 ms alongside.
#
#   scripts/uploadtest.sh [SCALE]         (default 1: each file as bad as fits in an upload)
#
# Environment, all optional: UPLOADTEST_DB (default cmr_uploadtest, made afresh: the run leaves
# fictional reviews, imports and documents in it), CELERY_BROKER_URL, WORKERS=3, PORT=8078.
# Writes var/benchmark/uploads.json; exits non-zero when an upload answers anything but 200 or
# 302, or /healthz anything but 200 within 1 s (manage.py benchmark_uploads).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE="${1:-1}"
NAME="${UPLOADTEST_DB:-cmr_uploadtest}"
[ -f var/staticfiles/staticfiles.json ] || make setup

export PGPASSWORD="${PGPASSWORD:-cmr_portal}"
dropdb -h 127.0.0.1 -U cmr_portal --if-exists "$NAME"
createdb -h 127.0.0.1 -U cmr_portal "$NAME"
export DATABASE_URL="postgres://cmr_portal:cmr_portal@127.0.0.1:5432/$NAME"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
# Production settings, relaxed only for plain HTTP on loopback, as scripts/loadtest.sh does. The
# key is made for this run: the session is signed with it, so the command and gunicorn share it.
BASE="http://127.0.0.1:${PORT:-8078}"
export PORTAL_ENV=production DEBUG=false DEMO=false
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="$BASE" CSRF_TRUSTED_ORIGINS="$BASE"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0

.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py benchmark_uploads --scale "$SCALE" --workers "${WORKERS:-3}" \
  --port "${PORT:-8078}" --output var/benchmark/uploads.json
