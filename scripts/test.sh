#!/usr/bin/env bash
# The README's test command: installs what the tests need (idempotently) and runs every test.
#   bash scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-onnxruntime.sh
bash scripts/make-test-models.sh
bash scripts/install-pglite.sh        # PostgreSQL + pgvector (PGlite) for the PostgreSQL connector tests
bash scripts/install-browser.sh || echo "warning: scripts/install-browser.sh failed; the search-page test will fail" >&2   # Debian chromium + playwright-core for the search-page test

config="${LLAMADB_TEST_CONFIGURATION:-Release}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test LlamaDb.sln -c "$config" --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test assemblies ("Passed!  - Failed: 0, Passed: 15, Skipped: 0, Total: 15").
passed=0; failed=0; skipped=0; assemblies=0
while IFS= read -r line; do
  p=$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$line")
  f=$(sed -n 's/.*Failed: *\([0-9]*\).*/\1/p' <<<"$line")
  s=$(sed -n 's/.*Skipped: *\([0-9]*\).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0})); assemblies=$((assemblies + 1))
done < <(grep -E '^(Passed|Failed)!' "$log" || true)

if [ "$assemblies" -eq 0 ]; then
  echo "tests: no test assembly reported results" >&2
  exit 1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
