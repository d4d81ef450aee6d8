#!/usr/bin/env bash
# The PostgreSQL connector beside the embedded store in one run (`llamadb bench postgres`): the same vectors, queries
# and HNSW parameters through both, then load time, recall@10 and QPS per ef_search. PostgreSQL is PGlite (PostgreSQL 17
# + pgvector 0.8 compiled to WebAssembly, one connection) on 127.0.0.1 unless LLAMADB_BENCH_PG points at a real server.
#   scripts/bench-postgres.sh [dataset=embed384-100k] [quantization=none|half|binary]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(realpath -m "${LLAMADB_SHARED:-$ROOT/../shared}")
DS=${1:-embed384-100k}
QUANT=${2:-none}
DATA="$ROOT/.cache/ann-data"
RESULTS="$ROOT/.cache/ann-results"
mkdir -p "$DATA" "$RESULTS"
[ -f "$DATA/$DS/base.fvecs" ] || bash "$SHARED/bench/ann/make_data.sh" "$DATA" >/dev/null
bash "$ROOT/scripts/install-pglite.sh" >/dev/null
(cd "$ROOT" && dotnet build samples/LlamaDb.Cli -c Release -v quiet -nologo >/dev/null)
LLAMADB="$ROOT/artifacts/bin/LlamaDb.Cli/release/llamadb"
case "$DS" in siftsmall) metric=l2 ;; *) metric=ip ;; esac

connection="${LLAMADB_BENCH_PG:-}"
if [ -z "$connection" ]; then
  fifo=$(mktemp -u); mkfifo "$fifo"; log=$(mktemp)
  # The server stops when its stdin closes: keep a writer open on the fifo until the benchmark ends.
  node "$ROOT/.cache/pglite/server.mjs" --port 0 < "$fifo" > "$log" 2>&1 &
  server=$!
  exec 3> "$fifo"
  trap 'exec 3>&-; wait $server 2>/dev/null || true; rm -f "$fifo" "$log"' EXIT
  for _ in $(seq 1 120); do grep -q "listening" "$log" && break; sleep 1; done
  port=$(sed -n 's/^pglite listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
  [ -n "$port" ] || { echo "bench-postgres.sh: PGlite did not start: $(cat "$log")" >&2; exit 1; }
  connection="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable;Maximum Pool Size=1;Command Timeout=3000"
fi

d="$DATA/$DS"
"$LLAMADB" bench postgres --base "$d/base.fvecs" --query "$d/query.fvecs" --gt "$d/gt.ivecs" --connection "$connection" \
  --metric "$metric" --m 16 --ef-construction 64 --ef 10,20,40,80,160 --quantization "$QUANT" --json > "$RESULTS/$DS.postgres.$QUANT.json"
python3 - "$RESULTS/$DS.postgres.$QUANT.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e, p = r["sides"]
print(f"{r['records']} x {r['dimensions']}, {r['queries']} queries, {r['metric']}, M {r['m']}, ef_construction {r['ef_construction']}, postgres index quantization {r['quantization']}")
print(f"load: embedded {e['load_seconds']} s ({e['upserts_per_second']}/s), postgres {p['load_seconds']} s ({p['upserts_per_second']}/s)")
print("| ef | embedded recall@10 | postgres recall@10 | embedded QPS | postgres QPS | postgres / embedded QPS |")
print("|---:|---:|---:|---:|---:|---:|")
for a, b in zip(e["points"], p["points"]):
    print(f"| {a['ef']} | {a['recall']:.4f} | {b['recall']:.4f} | {a['qps']:,.0f} | {b['qps']:,.0f} | {b['qps'] / a['qps']:.3f}x |")
PY
