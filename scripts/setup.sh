#!/usr/bin/env bash
# Set up a fresh machine for kb: a virtualenv in .venv with kb installed (editable),
# the web UI's vendored assets, and -- with --test -- what the tests need.
#
#   bash scripts/setup.sh          # to run kb and its web UI
#   bash scripts/setup.sh --test   # also test tools, Chromium and the Oxigraph server
#
# Idempotent: a second run only checks. Everything comes from PyPI, npm and Debian
# at install time; nothing is downloaded when kb runs.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_tests" = 1 ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
else
  .venv/bin/python -m pip install --quiet -e .
fi

bash scripts/build-assets.sh

if [ "$want_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    # Browser tests drive Debian's Chromium; Playwright cannot download its own here.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing; install Debian's chromium package (as root) for the browser tests" >&2
  fi
fi
if [ "$want_tests" = 1 ] && [ ! -x /usr/bin/virtuoso-t ]; then
  if [ "$(id -u)" = 0 ]; then
    # The external-store suite also runs on Virtuoso (tests/behaviour.py starts it with
    # a database of its own). Only the server binaries: no service is installed or started.
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null; }
  else
    echo "setup: /usr/bin/virtuoso-t is missing; install Debian's virtuoso-opensource-7-bin (as root) for the Virtuoso tests" >&2
  fi
fi
echo "setup: ready (.venv/bin/kb)"
