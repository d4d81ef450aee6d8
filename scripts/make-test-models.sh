#!/usr/bin/env bash
# Builds the ONNX model variants the embedder tests need (int32 ids, no token_type_ids, pooled
# output, both outputs, an unpoolable output, an unsupported extra input), derived by graph surgery
# from shared/models/synthetic-embedder-tiny, into <repo>/.cache/test-models/<variant>/.
# See tests/assets/README.md. No .onnx file is committed; run this before the tests.
#
# Needs the shared assets folder (default: <repo>/../shared; override with LLAMADB_SHARED) and
# Debian's python3-onnx + python3-numpy (installed with apt-get when missing; run as root).
# Idempotent: does nothing when every variant's model.onnx exists and is newer than both
# tests/assets/make_model_variants.py and the source model.onnx. Prints the output folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${LLAMADB_SHARED:-$root/../shared}"
src="$shared/models/synthetic-embedder-tiny"
gen="$root/tests/assets/make_model_variants.py"
dest="$root/.cache/test-models"
py=/usr/bin/python3
variants=(int32-ids no-token-types pooled-output both-outputs unpoolable extra-input)

[ -f "$gen" ] || { echo "make-test-models.sh: $gen not found" >&2; exit 1; }
[ -f "$src/model.onnx" ] || { echo "make-test-models.sh: $src/model.onnx not found (set LLAMADB_SHARED to the shared/ folder)" >&2; exit 1; }

uptodate=1
for v in "${variants[@]}"; do
  m="$dest/$v/model.onnx"
  if [ ! -s "$m" ] || [ ! "$m" -nt "$gen" ] || [ ! "$m" -nt "$src/model.onnx" ]; then uptodate=0; fi
done
if [ "$uptodate" = 1 ]; then
  echo "test-models: up to date" >&2
  echo "$dest"
  exit 0
fi

if ! "$py" -c "import onnx, numpy" 2>/dev/null; then
  echo "test-models: installing python3-onnx python3-numpy with apt-get ..." >&2
  command -v apt-get >/dev/null || { echo "make-test-models.sh: apt-get not found; install onnx + numpy for $py" >&2; exit 1; }
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx python3-numpy >&2
fi

mkdir -p "$dest"
echo "test-models: generating ${variants[*]} ..." >&2
"$py" "$gen" "$src" "$dest" >&2
echo "test-models: built" >&2
echo "$dest"
