#!/usr/bin/env bash
# Creates bench/shap/.venv with shap and scikit-learn for the explanation benchmark (bench/shap.mjs).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -r requirements.txt
