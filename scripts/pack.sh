#!/usr/bin/env bash
# Writes the three installable packages into dist/: the npm tarballs of `beemind` (library, CLI, datasets) and
# `beemind-kernel`, and the wheel of `beemind-jupyterlab` (the panels). Run scripts/setup.sh first.
# In a project folder: npm install dist/beemind-*.tgz dist/beemind-kernel-*.tgz; npx beemind-kernel install
# --sys-prefix; pip install dist/beemind_jupyterlab-*.whl (see README.md, "BeeMind in your own project").
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
npx tsc -b
npm pack -w beemind -w kernel --pack-destination dist
.venv/bin/python -m pip wheel --no-deps --quiet -w dist .
ls -1 dist
