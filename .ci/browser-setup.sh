#!/usr/bin/env bash
# Installs what the browser tests (tests/browser, marked "browser") need on a fresh Debian
# machine: Debian's Chromium and ChromeDriver, and Playwright from PyPI in the project's .venv.
# Playwright never downloads a browser of its own: the tests launch /usr/bin/chromium.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=1.65.2

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q chromium chromium-driver
fi
/usr/bin/chromium --version

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import playwright" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet "playwright==${PLAYWRIGHT_VERSION}"
fi
.venv/bin/python -c "from importlib.metadata import version; print('playwright', version('playwright'))"
