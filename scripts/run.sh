#!/usr/bin/env bash
# Starts the action server and then either the Rasa server (serve) or a terminal conversation (shell),
# and stops both cleanly on Ctrl-C or when either exits.
#   scripts/run.sh serve|shell MODEL
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?serve or shell}
model=${2:?path to the trained model}

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
# Only these web pages may call the REST channel from a browser (space-separated origins).
CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$RASA_PORT http://127.0.0.1:$RASA_PORT"}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" &
pids+=($!)
.venv/bin/python scripts/wait_for_port.py 127.0.0.1 "$ACTION_PORT" 60

if [ "$mode" = shell ]; then
  .venv/bin/rasa shell --model "$model" --endpoints endpoints.yml
else
  # shellcheck disable=SC2086
  .venv/bin/rasa run --model "$model" --port "$RASA_PORT" --endpoints endpoints.yml \
    --credentials credentials.yml --cors $CORS_ORIGINS &
  pids+=($!)
  echo "Starting: REST channel at http://localhost:$RASA_PORT/webhooks/rest/webhook (Ctrl-C stops both servers)"
  wait -n "${pids[@]}"
fi
