#!/usr/bin/env bash
# Installs everything BeeMind needs on a fresh machine: npm packages (from the lock file), the build, and the
# project-local Python environment (.venv) with the test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> npm packages"
npm ci --no-audit --no-fund

echo "==> build"
npx tsc -b

echo "==> Python environment (.venv)"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -f tests/requirements.txt ]; then .venv/bin/python -m pip install --quiet -r tests/requirements.txt; fi
echo "==> setup done"
