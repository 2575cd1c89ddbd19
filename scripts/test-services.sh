#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1, starting them when they do not, and make sure
# the test role exists. The role may create databases: pytest-django makes test_<name> itself.
set -euo pipefail

DB_ROLE="${DB_ROLE:-cmr_portal}"
DB_PASSWORD="${DB_PASSWORD:-cmr_portal}"
REDIS_PORT="${REDIS_PORT:-6379}"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi

as_postgres psql -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_ROLE}') THEN
    CREATE ROLE ${DB_ROLE} LOGIN CREATEDB PASSWORD '${DB_PASSWORD}';
  END IF;
END
\$\$;
SQL
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB_ROLE}'" | grep -q 1; then
  as_postgres createdb -O "${DB_ROLE}" "${DB_ROLE}"
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /tmp/cmr-portal-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp/cmr-portal-redis --logfile /tmp/cmr-portal-redis/redis.log
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null
fi
echo "PostgreSQL and Redis are answering on 127.0.0.1"
