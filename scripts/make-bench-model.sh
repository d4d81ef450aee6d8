#!/usr/bin/env bash
# Builds a benchmark-only model folder: the full-size all-MiniLM-L6-v2 architecture (hidden 384,
# 6 layers, 12 heads, intermediate 1536) with seeded RANDOM weights, plus the real all-MiniLM-L6-v2
# tokenizer / sentence-transformers config files, into .cache/models/minilm-l6-random/.
# Same compute cost as the real model; the outputs carry no meaning (throughput benchmarks only).
#
# Needs the shared assets folder (default: <repo>/../shared; override with LLAMADB_SHARED) and
# Debian's python3-onnx + python3-numpy (installed with apt-get when missing; run as root).
# Idempotent: does nothing when model.onnx and all copied files are already in place.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${LLAMADB_SHARED:-$root/../shared}"
src="$shared/models/all-MiniLM-L6-v2"
gen="$shared/models/make_synthetic_bert.py"
dest="$root/.cache/models/minilm-l6-random"
py=/usr/bin/python3
files=(vocab.txt tokenizer.json tokenizer_config.json special_tokens_map.json config.json
       config_sentence_transformers.json sentence_bert_config.json modules.json 1_Pooling/config.json)

complete=1
[ -s "$dest/model.onnx" ] || complete=0
for f in "${files[@]}"; do [ -f "$dest/$f" ] || complete=0; done
if [ "$complete" = 1 ]; then
  echo "minilm-l6-random: already built" >&2
  echo "$dest"
  exit 0
fi

[ -f "$gen" ] || { echo "make-bench-model.sh: $gen not found (set LLAMADB_SHARED to the shared/ folder)" >&2; exit 1; }
[ -d "$src" ] || { echo "make-bench-model.sh: $src not found (set LLAMADB_SHARED to the shared/ folder)" >&2; exit 1; }

if ! "$py" -c "import onnx, numpy" 2>/dev/null; then
  echo "minilm-l6-random: installing python3-onnx python3-numpy with apt-get ..." >&2
  command -v apt-get >/dev/null || { echo "make-bench-model.sh: apt-get not found; install onnx + numpy for $py" >&2; exit 1; }
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx python3-numpy >&2
fi

mkdir -p "$dest/1_Pooling"
if [ ! -s "$dest/model.onnx" ]; then
  tmp="$(mktemp -d "$root/.cache/models/.gen.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "minilm-l6-random: generating the graph (random weights, ~90 MB) ..." >&2
  "$py" "$gen" "$tmp" --hidden 384 --layers 6 --heads 12 --intermediate 1536 --kinds embedder >&2
  mv "$tmp/bert-h384-l6-random-embedder.onnx" "$dest/model.onnx"
fi
for f in "${files[@]}"; do
  install -m 0644 "$src/$f" "$dest/$f"   # the shared files are read-only; keep ours writable
done
echo "minilm-l6-random: built" >&2
echo "$dest"
