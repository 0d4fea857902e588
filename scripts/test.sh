#!/usr/bin/env bash
# Runs every test suite (the linters, jest for the TypeScript packages, pytest for kernel conformance and
# notebooks) and ends with one line "N passed, N failed" counting all of them. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
status=0

npx tsc -b || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

# each linter counts as one check: eslint's rules, and prettier's formatting (`npm run format` fixes that)
echo "==> lint"
for check in "eslint ." "prettier --check ."; do
  if npx $check; then echo "pass $check" >>"$results/lint.txt"; else echo "fail $check" >>"$results/lint.txt"; fi
done

echo "==> jest"
node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile="$results/jest.json" "$@" 2>&1 \
  | grep -v -e 'ExperimentalWarning: VM Modules' -e 'node --trace-warnings' || true
[ -f "$results/jest.json" ] || { echo "jest did not report"; echo "0 passed, 1 failed"; exit 1; }

if find tests -name 'test_*.py' 2>/dev/null | grep -q .; then
  echo "==> pytest"
  .venv/bin/python -m pytest tests -q -p no:cacheprovider --junitxml="$results/pytest.xml" || true
fi

node scripts/summarize-tests.mjs "$results" || status=1
rm -rf "$results"
exit $status
