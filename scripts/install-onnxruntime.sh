#!/usr/bin/env bash
# Installs the ONNX Runtime native library (libonnxruntime.so.1, 1.30.0, linux-x64) into the
# project's git-ignored cache (.cache/onnxruntime/1.30.0/), where LlamaDb's resolver finds it.
# It comes from the npm package onnxruntime-node (MIT), which ships the official CPU build.
# Idempotent: does nothing when the library is already there with the expected hash.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="1.30.0"
expected_sha256="ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"
dest="$root/.cache/onnxruntime/$version"
lib="$dest/libonnxruntime.so.1"

# A library the user points at (the same variable LlamaDb's resolver reads) wins: nothing to fetch, e.g. offline.
if [ -n "${LLAMADB_ONNXRUNTIME:-}" ] && [ -f "$LLAMADB_ONNXRUNTIME" ]; then
  echo "onnxruntime: using LLAMADB_ONNXRUNTIME=$LLAMADB_ONNXRUNTIME (not installing $version into the project cache)"
  exit 0
fi

if [ -f "$lib" ] && echo "$expected_sha256  $lib" | sha256sum -c --quiet - 2>/dev/null; then
  echo "onnxruntime $version: already installed at $lib"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "install-onnxruntime.sh supports linux-x64 only; elsewhere reference the Microsoft.ML.OnnxRuntime NuGet package or set LLAMADB_ONNXRUNTIME" >&2
  exit 1
fi
command -v npm >/dev/null || { echo "npm is required to fetch onnxruntime-node@$version" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "onnxruntime $version: fetching onnxruntime-node@$version with npm pack ..."
(cd "$tmp" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
tar -xzf "$tmp/onnxruntime-node-$version.tgz" -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
echo "$expected_sha256  $tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c --quiet - \
  || { echo "onnxruntime $version: sha256 mismatch for the downloaded library" >&2; exit 1; }
mkdir -p "$dest"
cp "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$lib.tmp"
mv "$lib.tmp" "$lib"
echo "onnxruntime $version: installed at $lib"
