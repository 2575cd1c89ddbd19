#!/usr/bin/env bash
# The load test of issue 10: signed-in fictional people ask for their pages from gunicorn on
# loopback, as fast as wrk can send, and every answer must be a 200.
#
#   scripts/loadtest.sh [DURATION] [CONNECTIONS]         (defaults: 300s and 100)
#
# Environment, all optional:
#   DATABASE_URL, CELERY_BROKER_URL              default to the Makefile's TEST_ENV ones; use a
#                                                database kept for load tests (viewing a page
#                                                writes an audit event)
#   USERS=100          signed-in sessions (manage.py loadtest_sessions --users)
#   REUSE_USERS=1      sign some people in more than once when a kind has too few (demo data)
#   WORKERS=3          gunicorn workers
#
# Writes var/benchmark/loadtest.json (wrk's figures and how they were made) and keeps wrk's and
# gunicorn's output in var/loadtest/. Exits non-zero when any request failed or was not a 200.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-300s}"
CONNECTIONS="${2:-100}"
USERS="${USERS:-100}"
# The Dockerfile's number. Gunicorn's workers, PostgreSQL and wrk share the two cores here: a
# page is mostly Python (one core per worker, whatever its threads, for the GIL) with short waits
# on PostgreSQL, so one worker more than the cores keeps both busy while a worker waits, and more
# would only queue for the same cores and take memory. Sync workers, as in production.
WORKERS="${WORKERS:-3}"
PORT=8077
BASE="http://127.0.0.1:$PORT"
RUN_DIR=var/loadtest
SESSIONS="$RUN_DIR/sessions.tsv"
RESULT=var/benchmark/loadtest.json

scripts/system-packages.sh wrk curl
[ -f var/staticfiles/staticfiles.json ] || make setup

export DATABASE_URL="${DATABASE_URL:-postgres://cmr_portal:cmr_portal@127.0.0.1:5432/cmr_portal}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
# Production settings, relaxed only for plain HTTP on loopback. The key is made for this run;
# the sessions are bound to it, so loadtest_sessions and gunicorn must both have it.
export PORTAL_ENV=production DEBUG=false DEMO=false
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="$BASE" CSRF_TRUSTED_ORIGINS="$BASE"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0

if curl -s -o /dev/null "$BASE/healthz"; then
  echo "Something already answers on port $PORT: stop it first." >&2
  exit 1
fi

# Anything else busy on the machine takes cores from the test: note how busy it was just before
# (over 3 seconds, from /proc/stat; the load average counts sleeping kernel threads too).
busy_percent() {
  local before after total=0 i
  read -ra before < <(head -1 /proc/stat)
  sleep 3
  read -ra after < <(head -1 /proc/stat)
  for i in 1 2 3 4 5 6 7 8; do total=$((total + after[i] - before[i])); done
  echo $((100 * (total - (after[4] + after[5] - before[4] - before[5])) / total))
}
BUSY_BEFORE="$(busy_percent)"
if [ "$BUSY_BEFORE" -gt 10 ]; then
  echo "The machine is $BUSY_BEFORE% busy already: the figures will be lower." >&2
fi
mkdir -p "$RUN_DIR" "$(dirname "$RESULT")"
server=""
stop() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ -f "$SESSIONS" ]; then
    .venv/bin/python manage.py loadtest_sessions --sign-out --output "$SESSIONS" || true
  fi
}
trap stop EXIT

reuse=()
[ "${REUSE_USERS:-}" = 1 ] && reuse=(--reuse-users)
.venv/bin/python manage.py loadtest_sessions --users "$USERS" "${reuse[@]}" --output "$SESSIONS"

# No access log: a line per request would cost the workers time the figures should show.
.venv/bin/gunicorn cmr_portal.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --error-logfile "$RUN_DIR/gunicorn.log" &
server=$!
for _ in $(seq 60); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "gunicorn stopped: see $RUN_DIR/gunicorn.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS -o /dev/null "$BASE/healthz"

# wrk leaves out of its percentiles every answer slower than --timeout and counts it as a
# timeout: its default of 2s would hide the slow end. 30s is gunicorn's own limit for a request.
echo "wrk: $CONNECTIONS connections for $DURATION against gunicorn ($WORKERS workers) on $BASE"
LOADTEST_SESSIONS="$SESSIONS" LOADTEST_JSON="$RUN_DIR/wrk.json" \
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency -s scripts/loadtest.lua "$BASE" \
  | tee "$RUN_DIR/wrk.txt"

# What the figures mean depends on how they were made: say so beside them.
DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" WORKERS="$WORKERS" USERS="$USERS" \
  BUSY_BEFORE="$BUSY_BEFORE" \
  .venv/bin/python - "$RUN_DIR/wrk.json" "$RESULT" <<'PYTHON'
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

figures = json.loads(Path(sys.argv[1]).read_text())
result = Path(sys.argv[2])
cpu = next(
    (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
     if line.startswith("model name")),
    platform.processor(),
)
commit = subprocess.run(
    ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
).stdout.strip()
env = os.environ
result.write_text(json.dumps({
    "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    "commit": commit,
    "command": f"scripts/loadtest.sh {env['DURATION']} {env['CONNECTIONS']}",
    "wrk": f"wrk -t2 -c{env['CONNECTIONS']} -d{env['DURATION']} --timeout 30s --latency "
    "-s scripts/loadtest.lua http://127.0.0.1:8077",
    "users_asked": int(env["USERS"]),
    "reuse_users": env.get("REUSE_USERS") == "1",
    "server": f"gunicorn, {env['WORKERS']} sync workers, PORTAL_ENV=production over HTTP "
    "on 127.0.0.1",
    "database": urlsplit(env["DATABASE_URL"]).path.lstrip("/"),
    "machine": {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "system": platform.platform(),
        "busy_percent_before": int(env["BUSY_BEFORE"]),
    },
    **figures,
}, indent=2) + "\n")
failed, requests = figures["errors"]["total"], figures["requests"]
if failed or not requests:
    sys.exit(f"The load test failed: {failed} of {requests} requests went wrong (see {result}).")
print(
    f"{requests} requests, {figures['requests_per_second']} a second, p95 "
    f"{figures['latency_ms']['p95']} ms, none failed. Written to {result}."
)
PYTHON
