#!/usr/bin/env bash
# Start throwaway PostgreSQL and Redis servers on loopback for tests and benches.
# Usage: source .ci/services.sh  (exports NEWSWORKER_TEST_PG_URL and NEWSWORKER_TEST_REDIS_URL)
# Idempotent: a server already answering on its port is reused.
set -euo pipefail

PG_PORT="${NEWSWORKER_TEST_PG_PORT:-55432}"
REDIS_PORT="${NEWSWORKER_TEST_REDIS_PORT:-56379}"
SERVICES_DIR="${NEWSWORKER_SERVICES_DIR:-/tmp/newsworker-services}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then return 0; fi
  local data="$SERVICES_DIR/pg"
  mkdir -p "$SERVICES_DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$SERVICES_DIR"
  if [ ! -s "$data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$SERVICES_DIR/pg.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $SERVICES_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$SERVICES_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$SERVICES_DIR/redis" \
    --daemonize yes --save "" --appendonly no --logfile "$SERVICES_DIR/redis.log"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis did not start" >&2; return 1
}

start_postgres
start_redis
export NEWSWORKER_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
export NEWSWORKER_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
set +euo pipefail
