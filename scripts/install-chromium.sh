#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the end-to-end test (the test runs it; it never
# downloads a browser of its own). Prints the browser's path. Needs root or sudo on a fresh machine.
set -euo pipefail
for b in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$b" ] && [ -x "$b" ]; then echo "$b"; exit 0; fi
done
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
echo /usr/bin/chromium
