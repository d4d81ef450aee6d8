#!/usr/bin/env bash
# Installs PGlite (PostgreSQL compiled to WebAssembly, with the pgvector extension) and its Postgres wire-protocol
# socket server from npm into the git-ignored .cache/pglite/ (idempotent). The PostgreSQL connector's tests and
# benchmark start scripts/pglite/server.mjs with it; nothing else needs a PostgreSQL installation.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pglite_version="0.3.16"
socket_version="0.0.22"
tools="$root/.cache/pglite"

version_of() {
  local manifest="$tools/node_modules/$1/package.json"
  [ -f "$manifest" ] && node -p "require('$manifest').version" 2>/dev/null || true
}

if [ "$(version_of @electric-sql/pglite)" != "$pglite_version" ] || [ "$(version_of @electric-sql/pglite-socket)" != "$socket_version" ]; then
  command -v npm >/dev/null || { echo "install-pglite.sh: npm is required to install @electric-sql/pglite@$pglite_version" >&2; exit 1; }
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{ "name": "llamadb-pglite", "private": true, "type": "module" }' > "$tools/package.json"
  echo "pglite: installing @electric-sql/pglite@$pglite_version and @electric-sql/pglite-socket@$socket_version into $tools ..."
  (cd "$tools" && npm install --silent --no-audit --no-fund --save-exact \
      "@electric-sql/pglite@$pglite_version" "@electric-sql/pglite-socket@$socket_version") \
    || { echo "install-pglite.sh: npm install of PGlite failed" >&2; exit 1; }
fi
cp "$root/scripts/pglite/server.mjs" "$tools/server.mjs"
echo "pglite: $pglite_version (socket server $socket_version) at $tools; start with: node $tools/server.mjs --port 0"
