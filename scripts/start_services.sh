#!/usr/bin/env bash
# Start a PostgreSQL server on localhost for the storage tests (Debian 12, root or sudo, no systemd).
# Installs Debian's `postgresql` package when it is missing, creates and starts the cluster,
# creates the role `app` (password `app`) and the database `app_test`, and prints the URL as the
# last line of output, so CI can do:
#   export TEST_DATABASE_URL="$(bash scripts/start_services.sh | tail -1)"
# Safe to run again: every step is skipped when already done.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PGHOST_ADDR=127.0.0.1
PGPORT_NUM="${PGPORT:-5432}"

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
fi

PGV=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$PGV main "; then
  $SUDO pg_createcluster "$PGV" main --port "$PGPORT_NUM" >&2
fi
if ! pg_lsclusters -h | grep -q "^$PGV main .* online"; then
  $SUDO pg_ctlcluster "$PGV" main start >&2
fi
PORT_USED=$(pg_lsclusters -h | awk -v v="$PGV" '$1 == v && $2 == "main" {print $3}')
for _ in $(seq 50); do
  pg_isready -q -h "$PGHOST_ADDR" -p "$PORT_USED" && break
  sleep 0.2
done
pg_isready -q -h "$PGHOST_ADDR" -p "$PORT_USED" || { echo "PostgreSQL did not start" >&2; exit 1; }

$SUDO runuser -u postgres -- psql -q -p "$PORT_USED" -v ON_ERROR_STOP=1 >&2 <<'SQL'
SELECT 'CREATE ROLE app LOGIN PASSWORD ''app''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname='app')\gexec
SELECT 'CREATE DATABASE app_test OWNER app' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname='app_test')\gexec
SQL

echo "postgresql+psycopg://app:app@$PGHOST_ADDR:$PORT_USED/app_test"
