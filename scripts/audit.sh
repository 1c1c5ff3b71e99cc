#!/usr/bin/env bash
# Checks every pinned dependency (runtime, test tooling, spaCy model) against the published advisories with
# pip-audit. pip-audit lives in its own virtualenv (.venv-audit) because it needs a newer `packaging` than Rasa
# allows. --strict: a package that could not be looked up fails the audit instead of being skipped silently
# (without it, pip-audit says "No known vulnerabilities found" even when it could look up nothing).
#   scripts/audit.sh            (make audit)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-audit
if [ ! -x "$venv/bin/pip-audit" ]; then
  "$(scripts/find-python.sh)" -m venv "$venv"
  "$venv/bin/pip" install --quiet -r requirements-audit.txt
fi
status=0
for requirements in requirements.txt requirements-dev.txt requirements-model.txt; do
  echo "== $requirements"
  # The files pin exact versions, so no resolution is needed (--no-deps --disable-pip: no throw-away install).
  "$venv/bin/pip-audit" --strict --no-deps --disable-pip --progress-spinner off -r "$requirements" || status=1
done
exit $status
