#!/usr/bin/env bash
# Installs everything BeeMind needs on a fresh machine: Debian's redis-server, chromium and postgresql (for the
# distributed and browser tests), npm packages (from the lock file), the build, the project-local Python
# environment (.venv) with JupyterLab and the test tools, and the JupyterLab extension with the BeeMind
# kernelspec. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, installed when missing (one apt-get update for all of them):
# redis-server — the distributed-evaluation tests start their own instance on a loopback port;
# chromium — the browser tests (tests/ui) and bench/panels-render.mjs drive it; no browser is ever downloaded;
# postgresql — the team-store tests start their own PostgreSQL server on a loopback port (scripts/postgres-server.mjs).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
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
node kernel/bin/beemind-kernel.js install --prefix .venv
echo "==> setup done"
