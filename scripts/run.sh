#!/usr/bin/env bash
# Starts the assistant. On one machine, everything (stops them all on Ctrl-C or when any of them exits):
#   scripts/run.sh serve MODEL   action server, action gateway, Rasa server, the demo site with the widget and the
#                                staff console
#   scripts/run.sh shell MODEL   action server, action gateway, Rasa server (its log in logs/shell-rasa.log) and the
#                                staff shell, a terminal conversation over the REST channel (scripts/staff_shell.py)
# One process each, as containers and several instances run them (docs/deployment.md):
#   scripts/run.sh rasa MODEL | actions | gateway | console
#   scripts/run.sh checkins [--now ...]  send the follow-up check-ins due now, once (cron, the Kubernetes CronJob)
# Settings come from the environment; the defaults below are the one-machine set-up, so `make run` needs none.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?serve, shell, rasa, actions, gateway or console}
model=${2:-}

# `make shell` runs beside `make run` (staff often have both): its Rasa server, action server and gateway get their
# own ports (SHELL_RASA_PORT, SHELL_ACTION_PORT, SHELL_GATEWAY_PORT), exported to the servers it starts, and its
# Rasa server calls its own gateway, whatever the environment says for `make run`.
if [ "$mode" = shell ]; then
  export RASA_PORT=${SHELL_RASA_PORT:-5006} ACTION_PORT=${SHELL_ACTION_PORT:-5057}
  export GATEWAY_PORT=${SHELL_GATEWAY_PORT:-5058}
  export ACTION_SERVER_URL=http://127.0.0.1:$ACTION_PORT/webhook ACTION_ENDPOINT_URL=http://127.0.0.1:$GATEWAY_PORT/webhook
  # Quiet: the conversation, not the servers' start-up notes and the libraries' deprecation warnings.
  export LOG_LEVEL=${SHELL_LOG_LEVEL:-WARNING} COLOREDLOGS_LOG_LEVEL=${SHELL_LOG_LEVEL:-WARNING}
  export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore} SQLALCHEMY_SILENCE_UBER_WARNING=1
  export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
fi

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
GATEWAY_PORT=${GATEWAY_PORT:-5056}
# Where the gateway listens; a container that serves other containers sets 0.0.0.0.
GATEWAY_HOST=${GATEWAY_HOST:-127.0.0.1}
# Seconds the gateway waits for an action before telling the patient the look-up is unavailable.
ACTION_TIMEOUT=${ACTION_TIMEOUT:-10}
# The demo site with the chat widget (widget/demo), served next to the bot.
WIDGET_PORT=${WIDGET_PORT:-8080}
# The staff console (console/), on loopback unless CONSOLE_HOST says otherwise (a proxy publishes it with TLS).
CONSOLE_HOST=${CONSOLE_HOST:-127.0.0.1}
CONSOLE_PORT=${CONSOLE_PORT:-5060}
# Only these web pages may call the REST channel from a browser (space-separated origins).
CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$WIDGET_PORT http://127.0.0.1:$WIDGET_PORT http://localhost:$RASA_PORT http://127.0.0.1:$RASA_PORT"}

# Read by endpoints-env.yml (stores and the action endpoint), with the one-machine defaults.
source scripts/endpoints-env.sh

# The model is a file on this machine: Rasa is never given a URL or remote storage to load one from.
require_local_model() {
  [ -f "$model" ] || { echo "run.sh: the model must be a local file, got '$model'" >&2; exit 2; }
}

# Rasa's HTTP API (conversations, model, training) stays off unless RASA_API=on, and then only with a
# token (RASA_API_TOKEN) or a JWT secret (RASA_JWT_SECRET, RASA_JWT_METHOD default HS256).
api_flags=()
if [ "${RASA_API:-off}" = on ]; then
  if [ -z "${RASA_API_TOKEN:-}${RASA_JWT_SECRET:-}" ]; then
    echo "run.sh: RASA_API=on needs RASA_API_TOKEN or RASA_JWT_SECRET; refusing to open the API without one" >&2
    exit 2
  fi
  api_flags=(--enable-api)
  [ -n "${RASA_API_TOKEN:-}" ] && api_flags+=(--auth-token "$RASA_API_TOKEN")
  [ -n "${RASA_JWT_SECRET:-}" ] && api_flags+=(--jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}")
elif [ "${RASA_API:-off}" != off ]; then
  echo "run.sh: RASA_API must be on or off" >&2
  exit 2
fi

case $mode in
  actions)
    exec .venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" --logging-config-file logging.yml ;;
  checkins)
    exec .venv/bin/python scripts/checkins.py "${@:2}" ;;
  console)
    exec .venv/bin/python -m console --host "$CONSOLE_HOST" --port "$CONSOLE_PORT" ;;
  gateway)
    exec .venv/bin/python -m gateway.actions --host "$GATEWAY_HOST" --port "$GATEWAY_PORT" \
      --upstream "$ACTION_SERVER_URL" --timeout "$ACTION_TIMEOUT" ;;
  rasa)
    require_local_model
    .venv/bin/python scripts/wait_for_stores.py "${STORES_TIMEOUT:-60}"
    # shellcheck disable=SC2086
    # Through rasa_patches: the project's fixes to Rasa are applied before Rasa starts (rasa_patches/__init__.py).
    exec .venv/bin/python -m rasa_patches run --model "$model" --port "$RASA_PORT" --endpoints endpoints-env.yml \
      --credentials credentials.yml --cors $CORS_ORIGINS "${api_flags[@]}" --logging-config-file logging.yml ;;
  serve|shell) require_local_model ;;
  *) echo "run.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$0" actions &
pids+=($!)
"$0" gateway &
pids+=($!)
.venv/bin/python scripts/wait_for_port.py 127.0.0.1 "$ACTION_PORT" 60
.venv/bin/python scripts/wait_for_port.py 127.0.0.1 "$GATEWAY_PORT" 30

if [ "$mode" = shell ]; then
  # The staff shell talks to the Rasa server's REST channel as the widget does (scripts/staff_shell.py): buttons
  # become numbered options and a typed question is always sent. The server's log goes to a file, not the chat.
  mkdir -p logs
  "$0" rasa "$model" >logs/shell-rasa.log 2>&1 &
  pids+=($!)
  .venv/bin/python scripts/staff_shell.py --url "http://127.0.0.1:$RASA_PORT" --wait "${SHELL_WAIT:-600}"
else
  "$0" rasa "$model" &
  pids+=($!)
  .venv/bin/python scripts/serve_widget.py --port "$WIDGET_PORT" --endpoint "http://localhost:$RASA_PORT" --quiet &
  pids+=($!)
  "$0" console &
  pids+=($!)
  echo "Starting: REST channel at http://localhost:$RASA_PORT/webhooks/rest/webhook"
  echo "          demo site with the chat widget at http://localhost:$WIDGET_PORT/ (Ctrl-C stops all servers)"
  echo "          staff console at http://$CONSOLE_HOST:$CONSOLE_PORT/ (accounts: make staff-user ARGS=\"add 'Your Name'\")"
  wait -n "${pids[@]}"
fi
