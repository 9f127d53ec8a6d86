#!/usr/bin/env bash
# Sets up (once) and runs the web app on the embedded SQLite default with the demo board loaded.
# It prints the demo users' sign-in details, then serves http://127.0.0.1:5000/.
# Options go to both commands, so the address printed is the one served:
#   bash scripts/demo.sh --port 8080        (also --host H, --no-scheduler)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/workflow demo "$@"
exec .venv/bin/workflow serve "$@"
