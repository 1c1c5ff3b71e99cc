#!/usr/bin/env bash
# Starts the action server and then either the Rasa server plus the demo site with the chat widget (serve) or a
# terminal conversation (shell), and stops them all cleanly on Ctrl-C or when any of them exits.
#   scripts/run.sh serve|shell MODEL
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?serve or shell}
model=${2:?path to the trained model}

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
# The demo site with the chat widget (widget/demo), served next to the bot.
WIDGET_PORT=${WIDGET_PORT:-8080}
# Only these web pages may call the REST channel from a browser (space-separated origins).
CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$WIDGET_PORT http://127.0.0.1:$WIDGET_PORT http://localhost:$RASA_PORT http://127.0.0.1:$RASA_PORT"}

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
  .venv/bin/python scripts/serve_widget.py --port "$WIDGET_PORT" --endpoint "http://localhost:$RASA_PORT" --quiet &
  pids+=($!)
  echo "Starting: REST channel at http://localhost:$RASA_PORT/webhooks/rest/webhook"
  echo "          demo site with the chat widget at http://localhost:$WIDGET_PORT/ (Ctrl-C stops all servers)"
  wait -n "${pids[@]}"
fi
