#!/usr/bin/env bash
# The README's first command: from a fresh clone to answers.
#   bash scripts/run.sh
# 1. restores and builds the llamadb CLI, installs the ONNX Runtime native library;
# 2. gets the models: LLAMADB_MODEL / LLAMADB_RERANK_MODEL (local folders or hub repo ids) when set, else downloads
#    pinned revisions of sentence-transformers/all-MiniLM-L6-v2 and cross-encoder/ms-marco-MiniLM-L-6-v2 (sha256-checked);
#    offline, it falls back to the synthetic test models in ../shared/models and says so;
# 3. ingests the repository's docs/ (and its READMEs) into a store under .cache/run/;
# 4. prints hybrid and hybrid + reranked results for a few example queries, with timings
#    (and a streamed answer when a chat endpoint is configured: LLAMADB_CHAT_ENDPOINT + LLAMADB_CHAT_MODEL, or OPENAI_API_KEY).
# Offline example: LLAMADB_MODEL=../shared/models/synthetic-embedder-tiny LLAMADB_RERANK_MODEL=../shared/models/synthetic-crossencoder-tiny bash scripts/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
shared="${LLAMADB_SHARED:-$root/../shared}"
export LLAMADB_MODEL_CACHE="${LLAMADB_MODEL_CACHE:-$root/.cache/models}"

# Pinned hub revisions (commit ids) and the SHA-256 of their onnx/model.onnx. `llamadb models pull` also reads the
# hub's LFS metadata for that revision and refuses a file whose hash differs from either.
embed_repo="sentence-transformers/all-MiniLM-L6-v2"
embed_rev="c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
embed_sha="6fd5d72fe4589f189f8ebc006442dbb529bb7ce38f8082112682524616046452"
rerank_repo="cross-encoder/ms-marco-MiniLM-L-6-v2"
rerank_rev="c5ee24cb16019beea0893ab7796b1df96625c6b8"
rerank_sha="5d3e70fd0c9ff14b9b5169a51e957b7a9c74897afd0a35ce4bd318150c1d4d4a"

section() { printf '\n== %s\n' "$*"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

section "restore and build"
start=$(date +%s%N)
dotnet restore samples/LlamaDb.Cli --nologo -v quiet >&2
dotnet build samples/LlamaDb.Cli -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly >&2
bash scripts/install-onnxruntime.sh >&2
echo "built in $(ms_since "$start") ms"
llamadb() { dotnet "$root/artifacts/bin/LlamaDb.Cli/release/llamadb.dll" "$@"; }

notes=()
pull() { # repo revision sha256 kind -> the model folder on stdout
  llamadb models pull "$1" --revision "$2" --kind "$4" --sha256 "onnx/model.onnx=$3" | tail -n 1
}

section "models"
model="${LLAMADB_MODEL:-}"
if [ -z "$model" ]; then
  echo "pulling $embed_repo@$embed_rev ..."
  if ! model="$(pull "$embed_repo" "$embed_rev" "$embed_sha" embedder)" || [ -z "$model" ]; then
    model="$shared/models/synthetic-embedder-tiny"
    notes+=("Could not download $embed_repo (no network?); using the synthetic embedder $model: random weights, so rankings carry no meaning. Set LLAMADB_MODEL to a real model folder.")
  fi
fi
rerank="${LLAMADB_RERANK_MODEL:-}"
if [ -z "$rerank" ]; then
  echo "pulling $rerank_repo@$rerank_rev ..."
  if ! rerank="$(pull "$rerank_repo" "$rerank_rev" "$rerank_sha" cross-encoder)" || [ -z "$rerank" ]; then
    rerank="$shared/models/synthetic-crossencoder-tiny"
    notes+=("Could not download $rerank_repo (no network?); using the synthetic cross-encoder $rerank: random weights. Set LLAMADB_RERANK_MODEL to a real model folder.")
  fi
fi
for note in "${notes[@]}"; do echo "note: $note"; done
case "$model$rerank" in *synthetic*) [ ${#notes[@]} -gt 0 ] || echo "note: synthetic models have random weights: the run proves the pipeline, not quality.";; esac
if [ -d "$model" ]; then
  llamadb info --model "$model"
else
  llamadb info   # a hub repo id: ingest below downloads it into the model cache on first use
fi

section "ingest docs/ and the READMEs"
store="$root/.cache/run/store"
collection="docs-$(basename "$model" | tr -c 'A-Za-z0-9_\n-' '-')"
start=$(date +%s%N)
llamadb ingest docs src README.md --include '**/*.md' --store "$store" --collection "$collection" --model "$model"
echo "ingest took $(ms_since "$start") ms (process included)"

queries=(
  "How are writes made durable?"
  "How do I rerank search results with a cross-encoder?"
  "Which ONNX Runtime version is used and how is it installed?"
)
for q in "${queries[@]}"; do
  section "$q"
  echo "-- hybrid"
  start=$(date +%s%N)
  llamadb search "$q" --store "$store" --collection "$collection" --mode hybrid --top 3 --no-rerank
  echo "($(ms_since "$start") ms with process start and model load)"
  echo "-- hybrid + rerank ($(basename "$rerank"))"
  start=$(date +%s%N)
  llamadb search "$q" --store "$store" --collection "$collection" --mode hybrid --top 3 --rerank "$rerank"
  echo "($(ms_since "$start") ms with process start and model loads)"
done

if [ -n "${LLAMADB_CHAT_ENDPOINT:-}${OPENAI_API_KEY:-}${AZURE_OPENAI_ENDPOINT:-}" ]; then
  section "ask: ${queries[0]}"
  llamadb ask "${queries[0]}" --store "$store" --collection "$collection" --rerank "$rerank" --top 4 || echo "note: ask failed (see the error above)"
else
  echo
  echo "To get answers with citations: set LLAMADB_CHAT_ENDPOINT + LLAMADB_CHAT_MODEL (any OpenAI-compatible server) or OPENAI_API_KEY, then:"
  echo "  llamadb ask \"${queries[0]}\" --store $store --collection $collection"
fi
for note in "${notes[@]}"; do echo "note: $note"; done
