# The environment endpoints-env.yml reads, with the one-machine defaults: conversations in a SQLite file in the
# project, locks in memory (one process), actions through the local gateway. Sourced by scripts/run.sh and by
# the staff commands (make review, report, purge-conversations), so they all read the same tracker store.
# Anything already set in the environment (production: docs/deployment.md) wins.
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT:-5055}/webhook}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:${GATEWAY_PORT:-5056}/webhook}
export TRACKER_STORE_URL=${TRACKER_STORE_URL:-sqlite:///tracker.db}
export LOCK_STORE_TYPE=${LOCK_STORE_TYPE:-in_memory}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_PASSWORD=${REDIS_PASSWORD:-}
