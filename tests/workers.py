"""Real Celery worker processes for tests, pointed at the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start_worker(*, queue: str = "", **env: str) -> subprocess.Popen[bytes]:
    """``celery worker`` (solo pool) on the test database; extra settings by environment."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]
    if queue:
        command += ["-Q", queue]
    environment = {
        **os.environ,
        "PATCHBAY_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        **env,
    }
    return subprocess.Popen(command, cwd=ROOT, env=environment)


@contextmanager
def running_worker(**env: str) -> Iterator[None]:
    """A worker for the length of a test, with nothing queued by earlier tests."""
    from config.celery import app as celery_app

    celery_app.control.purge()
    worker = start_worker(**env)
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)
