"""Each pytest-xdist worker gets its own Redis database and its own var/ folder.

pytest-django gives every worker its own test database (``test_<name>_gw0``, ...);
everything else the suite shares must be split too: the cache, rate budgets and
API rate limits, and the Celery broker and result backend of the real workers
started by tests (whose default queue, once shared, would hand one worker's tasks
to another's test). Worker N uses the Redis database of REDIS_URL plus N, and
``var/xdist/gwN`` for its file locks and beat schedules.

This is a plugin (``-p tests.xdist_isolation``), not a conftest: pytest-django
loads Django's settings before any conftest, so the environment is rewritten in a
wrapper around that hook. Child processes (Celery workers, ``manage.py``) inherit
the rewritten environment, so every process of one xdist worker agrees.
"""

from __future__ import annotations

import os
from collections.abc import Generator, MutableMapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
# config/settings/test.py's default, used when REDIS_URL is unset.
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/1"


def worker_index(worker_id: str) -> int:
    """``gw3`` -> 3 (xdist names its workers gw0, gw1, ...)."""
    if not (worker_id.startswith("gw") and worker_id[2:].isdigit()):
        raise pytest.UsageError(f"Unexpected pytest-xdist worker id {worker_id!r}.")
    return int(worker_id[2:])


def offset_redis_db(url: str, offset: int) -> str:
    """The same server, database ``db + offset`` (the db is the URL's path, 0 if absent)."""
    parts = urlsplit(url)
    db_text = parts.path.lstrip("/") or "0"
    if not db_text.isdigit():
        raise pytest.UsageError(f"REDIS_URL {url!r} must name its database as a number.")
    return urlunsplit(parts._replace(path=f"/{int(db_text) + offset}"))


def isolate_worker(environ: MutableMapping[str, str]) -> None:
    """Points this xdist worker (if it is one) at its own Redis database and var/ folder."""
    worker_id = environ.get("PYTEST_XDIST_WORKER")
    if not worker_id:
        return  # not under xdist: one process, nothing to share
    index = worker_index(worker_id)
    environ["REDIS_URL"] = offset_redis_db(
        environ.get("REDIS_URL") or DEFAULT_TEST_REDIS_URL, index
    )
    var_dir = Path(environ.get("PATCHBAY_VAR_DIR") or ROOT / "var") / "xdist" / worker_id
    var_dir.mkdir(parents=True, exist_ok=True)
    environ["PATCHBAY_VAR_DIR"] = str(var_dir)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests() -> Generator[None, None, None]:
    # A wrapper runs before every plugin's implementation, pytest-django's included.
    isolate_worker(os.environ)
    return (yield)
