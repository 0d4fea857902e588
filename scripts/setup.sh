#!/usr/bin/env bash
# Installs everything BeeMind needs on a fresh machine: redis-server (Debian, for the distributed tests), npm
# packages (from the lock file), the build, and the project-local Python environment (.venv) with the test
# tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# redis-server: the distributed-evaluation tests start their own instance on a loopback port
if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> redis-server (Debian)"
  apt-get update
  apt-get install -y redis-server
fi

# chromium: the browser tests (tests/ui) and bench/panels-render.mjs drive Debian's Chromium, never a downloaded one
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> chromium (Debian)"
  apt-get update
  apt-get install -y chromium
fi

echo "==> npm packages"
npm ci --no-audit --no-fund

echo "==> build"
npx tsc -b

echo "==> Python environment (.venv)"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -f tests/requirements.txt ]; then .venv/bin/python -m pip install --quiet -r tests/requirements.txt; fi
# Node would read .js files under .venv as ES modules (this repository's package.json says "type": "module");
# jupyter-builder's bundled yarn.js is CommonJS, so .venv gets a package.json of its own.
[ -f .venv/package.json ] || echo '{ "type": "commonjs" }' > .venv/package.json

echo "==> JupyterLab extension and BeeMind kernelspec (into .venv)"
PATH="$PWD/.venv/bin:$PATH" npm run build -w extension
.venv/bin/python -m pip install --quiet .
echo "==> setup done"
