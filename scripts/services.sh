#!/usr/bin/env bash
# PostgreSQL (tracker store) and Redis (lock store) for the production set-up, on this machine, listening on
# 127.0.0.1 only. Installs the Debian packages when missing, then runs a private PostgreSQL cluster and a Redis
# server whose data, logs and generated passwords live in one directory. Safe to run again: what is already
# running is left alone.
#   scripts/services.sh install|start|stop|status     (install: only the Debian packages)
# `start` and `status` print the environment variables that point endpoints-env.yml at these servers:
#   eval "$(scripts/services.sh start)"
# Settings (environment): SERVICES_DIR (default .services in the project), PG_PORT (55432), REDIS_PORT (56379).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES_DIR=$(realpath -m "${SERVICES_DIR:-.services}")
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
DB_NAME=backspasm
DB_USER=backspasm
PG_DATA=$SERVICES_DIR/postgres
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

log() { echo "services: $*" >&2; }

install_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -n "$PG_BIN" ] || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  # One apt run at a time on this machine; the lock also serialises concurrent `start`s.
  flock /tmp/backspasm-apt.lock bash -c \
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing[*]} >/dev/null"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}

# A password made once per services directory, kept beside the data and readable by its owner only.
password_for() {
  local file=$SERVICES_DIR/$1.password
  [ -s "$file" ] || (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$file")
  cat "$file"
}

# PostgreSQL refuses to run as root, so the cluster belongs to the `postgres` user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start_postgres() {
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    if ! as_pg test -x "$SERVICES_DIR"; then
      log "the postgres user cannot enter $SERVICES_DIR; choose a SERVICES_DIR whose parents it may enter"
      return 1
    fi
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA" >/dev/null
  fi
  local password
  password=$(password_for postgres)
  # The assistant's own login and database, created once; the password is (re)set so the file always wins.
  as_pg "$PG_BIN/psql" -h "$PG_DATA" -p "$PG_PORT" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER')\gexec
ALTER ROLE $DB_USER PASSWORD '$password';
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL
}

redis_cli() { REDISCLI_AUTH=$(password_for redis) redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_running() { [ "$(redis_cli ping 2>/dev/null)" = PONG ]; }

start_redis() {
  redis_running && return
  # The lock store only holds short-lived locks, so nothing is saved to disk.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --requirepass "$(password_for redis)" \
    --daemonize yes --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" \
    --logfile "$SERVICES_DIR/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do redis_running && return; sleep 0.1; done
  log "Redis did not answer on 127.0.0.1:$REDIS_PORT (see $SERVICES_DIR/redis.log)"
  return 1
}

print_environment() {
  cat <<ENV
export TRACKER_STORE_URL=postgresql://$DB_USER:$(password_for postgres)@127.0.0.1:$PG_PORT/$DB_NAME
export LOCK_STORE_TYPE=stores.lock_store.OrderedRedisLockStore
export REDIS_HOST=127.0.0.1
export REDIS_PORT=$REDIS_PORT
export REDIS_PASSWORD=$(password_for redis)
ENV
}

case ${1:-} in
  start)
    install_packages
    mkdir -p "$SERVICES_DIR"
    chmod 755 "$SERVICES_DIR"
    start_postgres
    start_redis
    log "PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT (data in $SERVICES_DIR)"
    print_environment
    ;;
  install)
    install_packages
    ;;
  stop)
    if [ -n "$PG_BIN" ] && pg_running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; fi
    if [ -s "$SERVICES_DIR/redis.password" ] && redis_running; then redis_cli shutdown nosave >/dev/null || true; fi
    log "stopped"
    ;;
  status)
    state=0
    if [ -n "$PG_BIN" ] && pg_running; then log "PostgreSQL running on 127.0.0.1:$PG_PORT"
    else log "PostgreSQL not running"; state=1; fi
    if [ -s "$SERVICES_DIR/redis.password" ] && redis_running; then log "Redis running on 127.0.0.1:$REDIS_PORT"
    else log "Redis not running"; state=1; fi
    [ $state = 0 ] && print_environment
    exit $state
    ;;
  *)
    echo "usage: scripts/services.sh install|start|stop|status" >&2
    exit 2
    ;;
esac
