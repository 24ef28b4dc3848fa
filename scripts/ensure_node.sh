#!/usr/bin/env bash
# `make sdks` packs the TypeScript client with npm. Install Debian's Node.js and npm
# when they are missing and this user may (root with apt-get); otherwise say how.
set -euo pipefail
if command -v npm >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's Node.js and npm to build the TypeScript client library…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  exit 0
fi
echo "make sdks: npm is needed to build the TypeScript client library." >&2
echo "Install it with: sudo apt-get install nodejs npm" >&2
exit 1
