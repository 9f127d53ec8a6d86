#!/usr/bin/env bash
# Sets up (once) and runs the whole test suite: lint, types, then pytest in parallel.
# Extra arguments go to pytest. PostgreSQL: set WORKFLOW_TEST_DATABASE_URL, e.g.
#   WORKFLOW_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest -n auto -p no:cacheprovider "$@"
