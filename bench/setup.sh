#!/usr/bin/env bash
# Installs the benchmark peers (scikit-learn, Optuna, FLAML, …) into the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -r bench/requirements.txt
