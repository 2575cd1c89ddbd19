#!/usr/bin/env bash
# Serve the demo portal on http://127.0.0.1:$PORT (8000 unless PORT says otherwise) with a Celery
# worker and beat on kombu's filesystem broker, SQLite, and emails written to files, all under
# var/ (VAR_DIR). Migrates, loads the fictional demo data, starts everything, waits until the
# portal answers /healthz and prints, last, its address, the demo sign-ins and where the emails
# and the worker's log are. Ctrl-C stops all of it and exits 0.
#
# `make run` calls this after `make setup`; tests/test_make_run.py runs it on a port and a
# VAR_DIR of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1024 || PORT > 65535)); then
  echo "PORT must be a number from 1024 to 65535, such as PORT=8010, not '$PORT'." >&2
  exit 2
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Something is already serving on port $PORT. Stop it, or choose another: PORT=8010 make run" >&2
  exit 1
fi

# The demo is development, whatever the shell holds; the address follows the port (the links in
# emails, and the origins allowed to post forms, which default to it).
export PORTAL_ENV=development DEBUG=true DEMO=true
export SITE_URL="http://127.0.0.1:$PORT"
export EMAIL_URL="${EMAIL_URL:-filemail://}"
VAR_DIR="${VAR_DIR:-var}"
export VAR_DIR
mkdir -p "$VAR_DIR"/celery/{queue,processed,control} "$VAR_DIR/log"
LOG="$VAR_DIR/log/celery.log"

echo "Preparing the database ($VAR_DIR)..."
.venv/bin/python manage.py migrate --verbosity 0
echo "Loading the fictional demo data..."
sign_ins="$(.venv/bin/python manage.py load_demo_data --short)"

# Each server in a process group of its own (job control), so that Ctrl-C reaches only this
# script, which stops them: SIGINT to runserver's group (its reloader and the child that serves)
# lets both leave without a traceback; SIGTERM to the worker alone is its warm shutdown, which
# stops its pool and beat in turn. Whatever outlives that is ended with its group.
set -m
worker=""
server=""
end_groups() {
  for group in $server $worker; do kill -KILL -- "-$group" 2>/dev/null || true; done
}
stop() {
  # A second Ctrl-C does not wait for the worker's running task.
  trap end_groups INT TERM
  echo
  echo "Stopping..."
  [ -z "$server" ] || kill -INT -- "-$server" 2>/dev/null || true
  [ -z "$worker" ] || kill -TERM "$worker" 2>/dev/null || true
  wait 2>/dev/null || true
  end_groups
  echo "Stopped."
  exit "${1:-0}"
}
trap stop INT TERM

echo "Starting the Celery worker and beat (their log: $LOG)..."
.venv/bin/celery -A cmr_portal worker --beat --loglevel=INFO --concurrency=1 \
  --schedule="$VAR_DIR/celerybeat-schedule" >>"$LOG" 2>&1 &
worker=$!
echo "Starting the web server..."
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" &
server=$!

# /healthz answers 200 once the server, the database and the broker all do.
healthy() {
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
  printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  local status=""
  read -r _ status _ <&3 || true
  exec 3<&- 3>&-
  [ "$status" = 200 ]
}
until healthy 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null || ! kill -0 "$worker" 2>/dev/null; then
    echo "The portal did not start: see the lines above, and $LOG." >&2
    stop 1
  fi
  sleep 0.5
done

emails="Emails the portal sends are written to files in $VAR_DIR/emails/."
[ "$EMAIL_URL" = "filemail://" ] || emails="Emails the portal sends go to EMAIL_URL."
cat <<EOF

------------------------------------------------------------------------------------------
The demo portal is running at $SITE_URL/

$sign_ins

$emails
The Celery worker and beat log to $LOG.
Press Ctrl-C to stop everything.
------------------------------------------------------------------------------------------
EOF
wait -n || true
echo "The web server or the worker stopped: see the lines above, and $LOG." >&2
stop 1
