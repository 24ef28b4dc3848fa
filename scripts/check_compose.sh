#!/usr/bin/env bash
# Validates docker-compose.yml with whichever Compose the machine has (no engine needed).
set -euo pipefail
cd "$(dirname "$0")/.."
# The file insists on a real secret; validation needs only a placeholder.
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-placeholder-for-config-check}"
export PATCHBAY_ENCRYPTION_KEYS="${PATCHBAY_ENCRYPTION_KEYS:-placeholder-for-config-check}"
if docker compose version >/dev/null 2>&1; then
  exec docker compose -f docker-compose.yml config --quiet
fi
if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's docker-compose to validate the compose file…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  else
    echo "Neither 'docker compose' nor 'docker-compose' is installed." >&2
    exit 1
  fi
fi
exec docker-compose -f docker-compose.yml config --quiet
