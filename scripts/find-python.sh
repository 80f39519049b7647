#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one and fails.
# Why 3.10 only: Rasa Open Source 3.6 supports Python 3.8-3.10, and requirements.lock is pinned on 3.10.
# Order: $PYTHON, python3.10 on PATH, pyenv's 3.10 versions.
set -euo pipefail

is_310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

if [ -n "${PYTHON:-}" ]; then
  # An explicit choice is honoured or refused, never silently replaced.
  is_310 "$PYTHON" && { echo "$PYTHON"; exit 0; }
  echo "error: PYTHON=$PYTHON is not a Python 3.10 interpreter." >&2
  exit 1
fi

candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in $(ls -d "$pyenv_root"/versions/3.10* 2>/dev/null | sort -V -r); do
  candidates+=("$dir/bin/python3.10")
done

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

cat >&2 <<'MSG'
error: no Python 3.10 found.
Rasa Open Source 3.6 runs on Python 3.8-3.10 only (it does not install on 3.11+), and this
project's requirements.lock is pinned for 3.10. Get one and run make again, for example:
  pyenv install 3.10.13              # then `make setup` finds it under ~/.pyenv/versions
  apt-get install python3.10-venv    # where your distribution ships 3.10
  make setup PYTHON=/path/to/python3.10
MSG
exit 1
