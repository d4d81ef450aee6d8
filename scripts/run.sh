#!/usr/bin/env bash
# The README's main-job command. Today (issue 2) LlamaDb embeds; ingest + search arrive with the store.
# It installs the ONNX Runtime library, builds the llamadb CLI, and embeds and compares a few texts with
# the model in LLAMADB_MODEL (a model folder), defaulting to the offline synthetic test model.
#   bash scripts/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-onnxruntime.sh >&2
dotnet build samples/LlamaDb.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >&2
llamadb() { dotnet "$root/artifacts/bin/LlamaDb.Cli/release/llamadb.dll" "$@"; }

model="${LLAMADB_MODEL:-${LLAMADB_SHARED:-$root/../shared}/models/synthetic-embedder-tiny}"
if [ ! -d "$model" ]; then
  echo "No model folder at '$model'. Set LLAMADB_MODEL to a sentence-transformers ONNX model folder" >&2
  echo "(e.g. 'llamadb models pull sentence-transformers/all-MiniLM-L6-v2' with internet)." >&2
  exit 1
fi

echo "== runtime and model"
llamadb info --model "$model"
echo
echo "== embeddings (first 6 dimensions shown)"
llamadb embed --model "$model" "A man is eating food." "How do I cook pasta?" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("model", d["model"], "dims", d["dimensions"]); [print(" ", [round(x,4) for x in e[:6]]) for e in d["embeddings"]]'
echo
echo "== cosine similarities"
for pair in "A man is eating food.|A man is eating a piece of bread." "How do I cook pasta?|Tell me about quantum physics"; do
  a="${pair%%|*}"; b="${pair##*|}"
  printf '%-40s %-40s %s\n' "$a" "$b" "$(llamadb embed --model "$model" --compare "$a" "$b")"
done
case "$model" in
  *synthetic*) echo; echo "(synthetic model: random weights, so similarities carry no meaning; point LLAMADB_MODEL at a real model)";;
esac
