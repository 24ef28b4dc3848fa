"""The processes the calendar_push benchmark runs: the Google Calendar and Graph
sandboxes (with Patchbay's own notification receivers) served by gunicorn, the iCloud
sandbox (Radicale behind the iCloud fault layer) on a thread of this process, and real
Celery workers. (Not a benchmark itself: the harness only runs ``bench_*.py``.)
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from bench.accounting_push import ROOT, _free_port, _start_sandbox

READY_S = 90.0
# What a previous, interrupted run may have left in this Redis database: the default
# Celery queue and its unacknowledged tasks, rate budgets and the calendars' wake-up keys.
STALE_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")
STALE_PATTERNS = ("patchbay:budget:*", "patchbay:*:calendars:*", "_kombu.binding.*")


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def clear_redis(url: str) -> None:
    client = redis_client(url)
    client.delete(*STALE_KEYS)
    for pattern in STALE_PATTERNS:
        keys = list(client.scan_iter(pattern))
        if keys:
            client.delete(*keys)


def tasks_pending(url: str) -> int:
    """Tasks queued, or taken by a worker and not yet done (tasks ack late)."""
    client = redis_client(url)
    return int(client.llen("celery")) + int(client.hlen("unacked"))


@contextmanager
def sandbox_server(database_url: str, redis_url: str) -> Iterator[str]:
    """gunicorn serving Patchbay with its sandboxes (the accounting benchmarks' server):
    the Google Calendar and Graph emulators, and the receivers their notifications call.
    Yields its base URL."""
    port = _free_port()
    server = _start_sandbox(database_url, port, {"REDIS_URL": redis_url})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def icloud_sandbox(users: dict[str, str]) -> Iterator[object]:
    from sandbox.icloud.server import ICloudSandbox

    # Radicale logs every request at INFO: thousands of lines that would bury the figures.
    logging.getLogger("radicale").setLevel(logging.WARNING)
    storage = Path(tempfile.mkdtemp(prefix="patchbay-bench-icloud-"))
    with ICloudSandbox(storage, users) as sandbox:
        yield sandbox


@contextmanager
def workers(
    database_url: str, redis_url: str, public_url: str, icloud_url: str, processes: int
) -> Iterator[subprocess.Popen[bytes]]:
    """One `celery worker` with a prefork pool of `processes` children, on the benchmark
    database, with the providers pointed at the sandboxes. The development profile with
    DEBUG off keeps database connections open, as in production."""
    env = {
        **os.environ,
        "PATCHBAY_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PATCHBAY_PUBLIC_BASE_URL": public_url,
        "ICLOUD_CALDAV_URL": icloud_url,
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += ["--pool=prefork", f"--concurrency={processes}", "--loglevel=WARNING"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
    command += ["-n", f"calendar-bench-{os.getpid()}@%h"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        _wait_until_ready(worker)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)


def _wait_until_ready(worker: subprocess.Popen[bytes]) -> None:
    from config.celery import app

    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"The Celery worker exited ({worker.returncode}).")
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("The Celery worker did not answer within 90 s.")
