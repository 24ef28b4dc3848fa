#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright. Install it when it is
# missing and this user may (root with apt-get); otherwise say how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's Chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "Chromium is not installed: the browser tests will be skipped." >&2
echo "Install it with: sudo apt-get install chromium chromium-driver" >&2
