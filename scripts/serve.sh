#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
: "${PORT:=8000}" "${PY:=.venv/bin/python}"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$PY" -m celery -A config worker --loglevel=INFO --concurrency=2 > var/worker.log 2>&1 &
pids+=($!)
"$PY" -m celery -A config beat --loglevel=INFO > var/beat.log 2>&1 &
pids+=($!)
# Apple iCloud's stand-in: a real CalDAV server (Radicale) behind the iCloud fault layer.
"$PY" -m sandbox.icloud --port "${ICLOUD_SANDBOX_PORT:-5232}" --storage var/icloud > var/icloud.log 2>&1 &
pids+=($!)

cat <<BANNER

  Patchbay is starting at http://127.0.0.1:${PORT}/settings/integrations/

  Demo logins (password: patchbay-demo)
    owner@demo.test      Owner of Demo Rentals
    manager@demo.test    Integration manager
    books@demo.test      Bookkeeper
    crew@demo.test       Crew
    outsider@other.test  Owner of Other Rentals

  Crew calendars: iCloud is a local CalDAV server (Apple ID crew@icloud.test,
  app-specific password abcd-efgh-ijkl-mnop).

  Worker, beat and iCloud logs: var/worker.log, var/beat.log, var/icloud.log.
  Ctrl-C stops everything.

BANNER

"$PY" manage.py runserver "127.0.0.1:${PORT}" &
pids+=($!)
wait -n "${pids[@]}"
