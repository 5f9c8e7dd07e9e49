#!/usr/bin/env bash
# Installs Debian's chromium for Playwright (launched via executablePath). Playwright's own browser download
# (`npx playwright install`) reaches hosts outside the allowed network, so it is never used.
set -euo pipefail

CHROMIUM=/usr/lib/chromium/chromium

if [[ -x "$CHROMIUM" ]]; then
  echo "chromium: already installed ($CHROMIUM)"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

start=$(date +%s)
# Refresh the package lists only when apt does not know a candidate for chromium (fresh image, wiped lists).
if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  "${SUDO[@]}" apt-get update </dev/null
fi
if ! "${SUDO[@]}" apt-get install -y chromium </dev/null; then
  # A stale list can name package versions the mirror no longer has.
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y chromium </dev/null
fi

if [[ ! -x "$CHROMIUM" ]]; then
  echo "chromium: installed, but $CHROMIUM is missing" >&2
  exit 1
fi
echo "chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo '(version unknown)') in $(( $(date +%s) - start ))s"
