#!/usr/bin/env bash
# Launches JupyterLab from the project's .venv on notebooks/, with the BeeMind kernel and panels installed
# by scripts/setup.sh. Extra arguments go to `jupyter lab` (e.g. --port 8899 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
[ "$(id -u)" = "0" ] && extra+=(--allow-root)
exec .venv/bin/jupyter lab --ServerApp.root_dir=notebooks "${extra[@]}" "$@"
