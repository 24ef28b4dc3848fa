"""The suite's own ground rules: no internet, specs read in place, and each pytest-xdist
worker isolated (its own database, Redis database and var/ folder)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from django.conf import settings
from pytest_socket import SocketConnectBlockedError

from tests.xdist_isolation import isolate_worker, offset_redis_db


def test_internet_sockets_are_blocked() -> None:
    # A documentation-range address (RFC 5737): nothing is ever sent there.
    with pytest.raises(SocketConnectBlockedError), pytest.warns(UserWarning):
        socket.create_connection(("192.0.2.10", 443), timeout=1)


def test_loopback_sockets_are_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socket.create_connection(server.getsockname(), timeout=1).close()


def test_provider_specs_are_read_from_the_shared_folder(specs_dir: Path) -> None:
    identity = (specs_dir / "xero" / "xero-identity.yaml").read_text()
    assert identity.lstrip().startswith("openapi:")
    assert (specs_dir / "quickbooks" / "Finance.xsd").is_file()
    assert not (Path(__file__).resolve().parents[2] / "specs").exists()  # never copied in


def test_settings_name_one_redis_database_for_cache_broker_and_results() -> None:
    # Under pytest-xdist, tests/xdist_isolation.py rewrote REDIS_URL before settings loaded.
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL == settings.CELERY_RESULT_BACKEND
    assert os.environ["REDIS_URL"] == settings.REDIS_URL  # what child processes inherit
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")
    if worker_id:
        assert Path(settings.VAR_DIR).name == worker_id


def test_each_xdist_worker_gets_the_next_redis_database_and_its_own_var_folder(
    tmp_path: Path,
) -> None:
    environ = {
        "PYTEST_XDIST_WORKER": "gw2",
        "REDIS_URL": "redis://:secret@127.0.0.1:6379/10?socket_timeout=5",
        "PATCHBAY_VAR_DIR": str(tmp_path),
    }

    isolate_worker(environ)

    assert environ["REDIS_URL"] == "redis://:secret@127.0.0.1:6379/12?socket_timeout=5"
    assert environ["PATCHBAY_VAR_DIR"] == str(tmp_path / "xdist" / "gw2")
    assert (tmp_path / "xdist" / "gw2").is_dir()


def test_one_process_without_xdist_keeps_its_environment() -> None:
    environ = {"REDIS_URL": "redis://127.0.0.1:6379/10"}
    isolate_worker(environ)
    assert environ == {"REDIS_URL": "redis://127.0.0.1:6379/10"}


def test_a_redis_url_without_a_database_number_counts_from_zero() -> None:
    assert offset_redis_db("redis://127.0.0.1:6379", 3) == "redis://127.0.0.1:6379/3"
    with pytest.raises(pytest.UsageError, match="must name its database as a number"):
        offset_redis_db("redis://127.0.0.1:6379/cache", 1)
