#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster and Redis if they are not already answering, then waits (bounded) until
# both do. Safe to run repeatedly.
# PG_CLUSTER/PG_PORT and REDIS_PORT override the defaults (15/main on 5432, 6379) so the script itself can be tested.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
PG_CLUSTER=${PG_CLUSTER:-main}
REDIS_HOST=127.0.0.1
REDIS_PORT=${REDIS_PORT:-6379}
WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-60}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
redis_up() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

wait_for() {
  local name=$1 check=$2 deadline=$((SECONDS + WAIT_SECONDS))
  until "$check"; do
    if (( SECONDS >= deadline )); then
      echo "services: $name did not answer within ${WAIT_SECONDS}s" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "services: $name is up"
}

if pg_up; then
  echo "services: postgres already answering on $PG_HOST:$PG_PORT"
else
  echo "services: starting postgres 15/$PG_CLUSTER"
  # --skip-systemctl-redirect: containers here have no systemd; start the cluster directly.
  pg_ctlcluster --skip-systemctl-redirect 15 "$PG_CLUSTER" start </dev/null
fi

if redis_up; then
  echo "services: redis already answering on $REDIS_HOST:$REDIS_PORT"
else
  echo "services: starting redis"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no </dev/null
fi

wait_for postgres pg_up
wait_for redis redis_up
