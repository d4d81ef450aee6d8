#!/usr/bin/env bash
# Installs what the search-page browser test needs (idempotent):
#   - Debian's chromium (apt-get; the test drives /usr/bin/chromium, no browser download of its own),
#   - playwright-core (pinned) from npm into the git-ignored .cache/browser-tools/.
# Fails with a clear message when either cannot be installed; the test then fails too (it never skips).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
playwright_version="1.65.1"
tools="$root/.cache/browser-tools"

if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: chromium is missing and apt-get is not available; install Debian's chromium package (/usr/bin/chromium)" >&2
    exit 1
  fi
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  echo "chromium: installing with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq \
    && $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    || { echo "install-browser.sh: 'apt-get install chromium' failed; the search-page test needs /usr/bin/chromium" >&2; exit 1; }
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'installed at /usr/bin/chromium')"

installed=""
if [ -f "$tools/node_modules/playwright-core/package.json" ]; then
  installed="$(node -p "require('$tools/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
fi
if [ "$installed" != "$playwright_version" ]; then
  command -v npm >/dev/null || { echo "install-browser.sh: npm is required to install playwright-core@$playwright_version" >&2; exit 1; }
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{ "name": "llamadb-browser-tools", "private": true }' > "$tools/package.json"
  echo "playwright-core: installing $playwright_version into $tools ..."
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing anyway; the test uses Debian's chromium.
  (cd "$tools" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund --save-exact "playwright-core@$playwright_version") \
    || { echo "install-browser.sh: npm install playwright-core@$playwright_version failed" >&2; exit 1; }
fi
echo "playwright-core: $playwright_version at $tools/node_modules/playwright-core"
