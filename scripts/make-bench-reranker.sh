#!/usr/bin/env bash
# Builds a benchmark-only cross-encoder folder: the ms-marco-MiniLM-L-6-v2 architecture (hidden 384, 6 layers,
# 12 heads, intermediate 1536, one logit) with seeded RANDOM weights, plus the real ms-marco tokenizer files, into
# .cache/models/ms-marco-l6-random/. Same compute cost as the real reranker; scores carry no meaning (latency only).
# Needs ../shared (or LLAMADB_SHARED) and Debian's python3-onnx + python3-numpy (installed by make-bench-model.sh's
# apt step when missing). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${LLAMADB_SHARED:-$root/../shared}"
src="$shared/models/ms-marco-MiniLM-L-12-v2"
gen="$shared/models/make_synthetic_bert.py"
dest="$root/.cache/models/ms-marco-l6-random"
py=/usr/bin/python3
files=(vocab.txt tokenizer.json tokenizer_config.json special_tokens_map.json)
complete=1
[ -s "$dest/model.onnx" ] || complete=0
for f in "${files[@]}" config.json; do [ -f "$dest/$f" ] || complete=0; done
if [ "$complete" = 1 ]; then echo "ms-marco-l6-random: already built" >&2; echo "$dest"; exit 0; fi
"$py" -c "import onnx, numpy" 2>/dev/null || bash "$root/scripts/make-bench-model.sh" >/dev/null
mkdir -p "$dest"
if [ ! -s "$dest/model.onnx" ]; then
  tmp="$(mktemp -d "$root/.cache/models/.gen.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "ms-marco-l6-random: generating the graph (random weights) ..." >&2
  "$py" "$gen" "$tmp" --hidden 384 --layers 6 --heads 12 --intermediate 1536 --kinds crossencoder >&2
  mv "$tmp"/*crossencoder*.onnx "$dest/model.onnx"
fi
for f in "${files[@]}"; do install -m 0644 "$src/$f" "$dest/$f"; done
# The L-12 config with the L-6 depth, so the folder describes the graph it holds.
sed 's/"num_hidden_layers": *12/"num_hidden_layers": 6/' "$src/config.json" > "$dest/config.json"
echo "ms-marco-l6-random: built" >&2
echo "$dest"
