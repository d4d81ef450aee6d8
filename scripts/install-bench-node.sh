#!/usr/bin/env bash
# Installs onnxruntime-node (version pinned in bench/embed/package.json) into the git-ignored
# .cache/bench-node/ for bench/embed/ort-node-bench.mjs.
# ONNXRUNTIME_NODE_INSTALL=skip stops its postinstall from trying to download CUDA binaries (which
# fails offline); the CPU build used here ships inside the npm package itself.
# Idempotent: does nothing when node_modules/onnxruntime-node/package.json already has the version.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="1.30.0"
manifest="$root/bench/embed/package.json"
dest="$root/.cache/bench-node"
pkg="$dest/node_modules/onnxruntime-node/package.json"

installed_version() {
  [ -f "$pkg" ] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$pkg"
}

command -v node >/dev/null || { echo "install-bench-node.sh: node is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "install-bench-node.sh: npm is required" >&2; exit 1; }

if [ "$(installed_version)" = "$version" ]; then
  echo "onnxruntime-node $version: already installed in $dest" >&2
  echo "$dest"
  exit 0
fi

mkdir -p "$dest"
cp "$manifest" "$dest/package.json"
echo "onnxruntime-node $version: installing into $dest ..." >&2
ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$dest" --no-audit --no-fund --loglevel=error >&2

got="$(installed_version)"
[ "$got" = "$version" ] || { echo "install-bench-node.sh: expected onnxruntime-node $version, got '${got:-nothing}'" >&2; exit 1; }
echo "onnxruntime-node $version: installed in $dest" >&2
echo "$dest"
