#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa Open Source 3.6 supports Python 3.8 to 3.10 only).
# Looks on PATH first, then asks pyenv; exits non-zero with advice when there is none.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if is_310 "$path"; then echo "$path"; exit 0; fi
done

if command -v pyenv >/dev/null 2>&1; then
  prefix=$(pyenv prefix 3.10 2>/dev/null | head -n 1) || prefix=""
  if [ -n "$prefix" ] && is_310 "$prefix/bin/python3.10"; then echo "$prefix/bin/python3.10"; exit 0; fi
fi

cat >&2 <<'MSG'
error: Python 3.10 was not found.
Rasa Open Source 3.6 runs on Python 3.8 to 3.10 only, and this project is pinned to 3.10.
Install it, then run the command again, for example:
  pyenv install 3.10        (pyenv picks it up through this folder's .python-version)
  or: sudo apt-get install python3.10 python3.10-venv
MSG
exit 1
