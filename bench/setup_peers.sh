#!/usr/bin/env bash
# Opt-in: installs the AutoML peers whose dependency pins clash with the project's .venv, each into a venv
# of its own beside this script (git-ignored): AutoGluon-Tabular in bench/.venv-autogluon (LightGBM,
# CatBoost and XGBoost models, without PyTorch, so its neural networks are skipped) and TPOT 1.x in
# bench/.venv-tpot. bench/automl_peers.py runs the peers `autogluon_default`, `autogluon_best` and `tpot`
# with these venvs' python; a peer whose venv is missing is reported as an error, not fatal.
# `optuna` (only when named) puts Optuna with SQLAlchemy and psycopg2-binary into bench/.venv-optuna, the
# Python side of bench/store-writers.mjs (Optuna's RDB storage on PostgreSQL).
# Usage: bash bench/setup_peers.sh [autogluon] [tpot] [optuna]   (autogluon and tpot when none is named;
#        PYTHON=python3.x to choose)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(autogluon tpot)
for peer in "${peers[@]}"; do
  case "$peer" in
    autogluon) venv=bench/.venv-autogluon; packages=('autogluon.tabular[lightgbm,catboost,xgboost]>=1.0') ;;
    tpot) venv=bench/.venv-tpot; packages=('tpot>=1.0') ;;
    optuna) venv=bench/.venv-optuna; packages=('optuna>=3.0' sqlalchemy psycopg2-binary) ;;
    *) echo "unknown peer '$peer': choose autogluon, tpot or optuna" >&2; exit 2 ;;
  esac
  [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
  # pandas and scikit-learn for the AutoML runner (bench/automl_peers.py); the peers pin their own versions
  [ "$peer" = optuna ] || packages+=(pandas scikit-learn)
  "$venv/bin/python" -m pip install --quiet "${packages[@]}"
  "$venv/bin/python" -m pip list 2>/dev/null |
    grep -iE '^(autogluon\.tabular|tpot|scikit-learn|lightgbm|catboost|xgboost|optuna|sqlalchemy|psycopg2-binary) ' || true
done
