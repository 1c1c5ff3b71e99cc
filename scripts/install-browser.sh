#!/usr/bin/env bash
# Installs what the browser tests of the chat widget need and the registries give us:
#   - Debian's Chromium (/usr/bin/chromium), driven by Playwright for Python through `executable_path`
#     (Playwright's own browser download is never used: `playwright install` is not run);
#   - axe-core from npm (pinned in package-lock.json) for the accessibility check.
# Safe to run again: each step is skipped when its result is already there. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  echo "Installing Debian's chromium for the browser tests"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

# npm ci wipes and reinstalls node_modules, so only run it when the lock file is newer than the install.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
