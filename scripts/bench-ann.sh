#!/usr/bin/env bash
# Side-by-side ANN benchmark: hnswlib (C++, -march=native, via ../shared/bench/ann) and `llamadb bench ann` on the
# same TEXMEX files, M=16, efConstruction=200, k=10, ef 10..320, 1 search thread, build threads 1 and 2, runs
# interleaved (hnswlib, llamadb, hnswlib, llamadb) because these machines are shared and noisy. Prints a Markdown
# table with ratios. Idempotent: data goes to .cache/ann-data (git-ignored), raw outputs to .cache/ann-results.
#   scripts/bench-ann.sh [embed384-100k] [siftsmall]      (default: both)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(realpath -m "${LLAMADB_SHARED:-$ROOT/../shared}")
ANN_OUT=$(realpath -m "${ANN_OUT:-${TMPDIR:-/tmp}/llamadb-ann-bin}")
DATA="$ROOT/.cache/ann-data"
RESULTS="$ROOT/.cache/ann-results"
EFS=10,20,40,80,160,320
DATASETS=("$@")
[ ${#DATASETS[@]} -gt 0 ] || DATASETS=(embed384-100k siftsmall)
mkdir -p "$DATA" "$RESULTS"
export ANN_OUT

[ -x "$ANN_OUT/hnswlib_bench" ] || bash "$SHARED/bench/ann/build.sh" >/dev/null
bash "$SHARED/bench/ann/make_data.sh" "$DATA" >/dev/null
if [ ! -f "$DATA/siftsmall/gt.ivecs" ]; then
  mkdir -p "$DATA/siftsmall"
  cp "$SHARED/data/siftsmall/siftsmall_base.fvecs" "$DATA/siftsmall/base.fvecs"
  cp "$SHARED/data/siftsmall/siftsmall_query.fvecs" "$DATA/siftsmall/query.fvecs"
  cp "$SHARED/data/siftsmall/siftsmall_groundtruth.ivecs" "$DATA/siftsmall/gt.ivecs"
fi

(cd "$ROOT" && dotnet build samples/LlamaDb.Cli -c Release -v quiet -nologo >/dev/null)
LLAMADB="$ROOT/artifacts/bin/LlamaDb.Cli/release/llamadb"

for ds in "${DATASETS[@]}"; do
  case "$ds" in
    siftsmall) metric=l2 ;;
    *) metric=ip ;;
  esac
  d="$DATA/$ds"
  for bt in 1 2; do
    echo "== $ds build_threads=$bt: hnswlib" >&2
    "$ANN_OUT/hnswlib_bench" --base "$d/base.fvecs" --query "$d/query.fvecs" --gt "$d/gt.ivecs" --metric "$metric" \
      --M 16 --efc 200 --ef "$EFS" --k 10 --threads 1 --build-threads "$bt" --min-time 1.0 > "$RESULTS/$ds.hnswlib.bt$bt.txt"
    echo "== $ds build_threads=$bt: llamadb" >&2
    "$LLAMADB" bench ann --base "$d/base.fvecs" --query "$d/query.fvecs" --gt "$d/gt.ivecs" --metric "$metric" \
      --m 16 --ef-construction 200 --ef "$EFS" --threads 1 --build-threads "$bt" --json > "$RESULTS/$ds.llamadb.bt$bt.json"
  done
done

python3 - "$RESULTS" "${DATASETS[@]}" <<'PY'
import json, re, sys
results, datasets = sys.argv[1], sys.argv[2:]

def hnswlib(path):
    build, rows = {}, {}
    for line in open(path):
        fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        if line.startswith("BUILD"):
            build = {"build_seconds": float(fields["build_s"]), "memory_mb": float(fields["est_index_mb"])}
        elif line.startswith("RESULT") and fields.get("mode") == "per-query":
            rows[int(fields["ef"])] = {"recall": float(fields["recall"]), "qps": float(fields["qps"]),
                                       "p50": float(fields["p50_us"]), "p99": float(fields["p99_us"])}
    return build, rows

def llamadb(path):
    j = json.load(open(path))
    rows = {r["ef"]: {"recall": r["recall_at_10"], "qps": r["qps"], "p50": r["p50_us"], "p99": r["p99_us"]} for r in j["results"]}
    return {"build_seconds": j["build_seconds"], "memory_mb": j["memory_mb"]}, rows

for ds in datasets:
    hb1, hr = hnswlib(f"{results}/{ds}.hnswlib.bt1.txt")
    lb1, lr = llamadb(f"{results}/{ds}.llamadb.bt1.json")
    hb2, _ = hnswlib(f"{results}/{ds}.hnswlib.bt2.txt")
    lb2, _ = llamadb(f"{results}/{ds}.llamadb.bt2.json")
    print(f"\n### {ds} (M=16, efConstruction=200, k=10, 1 search thread; graphs built with 1 thread)\n")
    print("| ef | hnswlib recall@10 | llamadb recall@10 | diff | hnswlib QPS | llamadb QPS | QPS ratio | hnswlib p50/p99 µs | llamadb p50/p99 µs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    target = None
    for ef in sorted(hr):
        h, l = hr[ef], lr.get(ef)
        if l is None:
            continue
        if target is None and h["recall"] >= 0.95 and l["recall"] >= 0.95:
            target = ef
        print(f"| {ef} | {h['recall']:.4f} | {l['recall']:.4f} | {l['recall'] - h['recall']:+.4f} | {h['qps']:.0f} | {l['qps']:.0f} | "
              f"{l['qps'] / h['qps']:.2f}x | {h['p50']:.0f}/{h['p99']:.0f} | {l['p50']:.0f}/{l['p99']:.0f} |")
    worst = max(abs(lr[ef]["recall"] - hr[ef]["recall"]) for ef in hr if ef in lr)
    print()
    print("| measure | hnswlib | llamadb | ratio (llamadb/hnswlib) | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| max abs recall@10 diff over ef | | | {worst:.4f} | ≤ 0.01 |")
    if target is not None:
        print(f"| QPS at ef={target} (first ef with both ≥ 0.95) | {hr[target]['qps']:.0f} | {lr[target]['qps']:.0f} | {lr[target]['qps'] / hr[target]['qps']:.2f}x | ≥ 1.0x |")
    print(f"| build s, 1 thread | {hb1['build_seconds']:.2f} | {lb1['build_seconds']:.2f} | {lb1['build_seconds'] / hb1['build_seconds']:.2f}x | ≤ 1.25x |")
    print(f"| build s, 2 threads | {hb2['build_seconds']:.2f} | {lb2['build_seconds']:.2f} | {lb2['build_seconds'] / hb2['build_seconds']:.2f}x | ≤ 1.25x |")
    print(f"| memory MiB (vectors + links) | {hb1['memory_mb']:.1f} | {lb1['memory_mb']:.1f} | {lb1['memory_mb'] / hb1['memory_mb']:.2f}x | ≤ 1.15x |")
PY
