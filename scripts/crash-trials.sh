#!/usr/bin/env bash
# Runs the process-kill tests (WriteAheadLogCrashTests: the log alone; StoreCrashTests: upserts, deletes and
# checkpoints through the embedded store) with more trials than the defaults (24 and 20).
#   bash scripts/crash-trials.sh [trials=200] [seed=random]
# Each trial starts tests/LlamaDb.Connectors.Hnsw.CrashHost, SIGKILLs it after a seeded number of acknowledged
# appends and checks every acknowledged entry survived. The seed is printed; pass it back to replay a failure.
# ARTIFACTS=/tmp/x builds into another tree (default: the repository's artifacts/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

trials="${1:-200}"
seed="${2:-$(( (RANDOM << 15) | RANDOM ))}"
echo "crash trials: $trials, seed $seed"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
LLAMADB_CRASH_TRIALS="$trials" LLAMADB_CRASH_SEED="$seed" dotnet test tests/LlamaDb.Connectors.Hnsw.Tests \
  -p:ArtifactsPath="${ARTIFACTS:-$root/artifacts}" --nologo \
  --filter "FullyQualifiedName~WriteAheadLogCrashTests|FullyQualifiedName~StoreCrashTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1
status=$?
set -e
grep -E "^ *trial [0-9]+:" "$log" | tail -n 5 || true
grep -E "trials \(seed|Total tests|Passed|Failed|Error Message|Assert" "$log" || true
exit "$status"
