#!/usr/bin/env bash
# Quantization side by side in one run: `llamadb bench ann` on the same files with --quantization none, int8 and
# binary (M=16, efConstruction=200, k=10, 1 search thread), then a Markdown table with vector memory relative to
# float and recall/QPS per ef. Data as in bench-ann.sh (.cache/ann-data, git-ignored).
#   scripts/bench-quantization.sh [dataset=embed384-100k] [build-threads=2] [binary oversampling=16]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(realpath -m "${LLAMADB_SHARED:-$ROOT/../shared}")
DS=${1:-embed384-100k}
BT=${2:-2}
BIN_OS=${3:-16}
DATA="$ROOT/.cache/ann-data"
RESULTS="$ROOT/.cache/ann-results"
mkdir -p "$DATA" "$RESULTS"
[ -f "$DATA/$DS/base.fvecs" ] || bash "$SHARED/bench/ann/make_data.sh" "$DATA" >/dev/null
(cd "$ROOT" && dotnet build samples/LlamaDb.Cli -c Release -v quiet -nologo >/dev/null)
LLAMADB="$ROOT/artifacts/bin/LlamaDb.Cli/release/llamadb"
case "$DS" in siftsmall) metric=l2 ;; *) metric=ip ;; esac
d="$DATA/$DS"
run() { # name quantization oversampling
  echo "== $DS $1" >&2
  "$LLAMADB" bench ann --base "$d/base.fvecs" --query "$d/query.fvecs" --gt "$d/gt.ivecs" --metric "$metric" --m 16 \
    --ef-construction 200 --ef 10,20,40,80,160 --threads 1 --build-threads "$BT" --quantization "$2" --oversampling "$3" \
    --json > "$RESULTS/$DS.quant.$1.json"
}
run none none 4
run int8 int8 4
run binary binary 4
run binary-os$BIN_OS binary "$BIN_OS"
python3 - "$RESULTS" "$DS" "$BIN_OS" <<'PY'
import json, sys
res, ds, bos = sys.argv[1], sys.argv[2], sys.argv[3]
names = ["none", "int8", "binary", f"binary-os{bos}"]
runs = {n: json.load(open(f"{res}/{ds}.quant.{n}.json")) for n in names}
base = runs["none"]
print(f"| {ds} | build s | index MiB | vector MiB | vector / float | mapped raw MiB |")
print("|---|---:|---:|---:|---:|---:|")
for n in names:
    r = runs[n]
    print(f"| {n} (oversampling {r['oversampling']}) | {r['build_seconds']:.1f} | {r['memory_mb']:.1f} | {r['vector_mb']:.1f} | {r['vector_mb'] / base['vector_mb']:.3f} | {r['raw_vector_mapped_mb']:.1f} |")
print()
print("| ef | " + " | ".join(f"{n} recall / QPS" for n in names) + " | int8 QPS / none |")
print("|---:|" + "---:|" * (len(names) + 1))
for i, row in enumerate(base["results"]):
    cells = [f"{runs[n]['results'][i]['recall_at_10']:.4f} / {runs[n]['results'][i]['qps']:.0f}" for n in names]
    ratio = runs["int8"]["results"][i]["qps"] / row["qps"]
    print(f"| {row['ef']} | " + " | ".join(cells) + f" | {ratio:.2f}x |")
PY
