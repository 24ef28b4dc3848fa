"""The engine's first reliability test, shared by every provider: SIGKILL the worker in
the middle of pushing 500 invoices, start another, sync again; every invoice then
exists exactly once in the sandbox and is linked."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from accounting.models import Entity, ExternalRef
from config.celery import app as celery_app
from integrations.models import SyncRun
from integrations.syncs import sync_connection
from tests.workers import start_worker

INVOICES = 500
LEASE_SECONDS = 3  # the killed run's lease, so the next worker may take over soon


def linked_invoices() -> int:
    return ExternalRef.objects.filter(entity=Entity.INVOICE, state=ExternalRef.State.LINKED).count()


def wait_for(condition: Callable[[], Any], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def kill_mid_push_then_sync_again(
    connection_id: int,
    faults: ModuleType,
    *,
    kill_after: int,
    env: dict[str, str],
    finish_within: float = 180,
) -> None:
    """Sync in a worker until ``kill_after`` invoices are linked, SIGKILL it (every call is
    slowed so the kill lands mid-push), then sync in a fresh worker to the end."""
    faults.slow_api(0.4)
    celery_app.control.purge()
    env = {**env, "SYNC_RUN_LEASE_SECONDS": str(LEASE_SECONDS)}
    worker = start_worker(**env)
    try:
        sync_connection.delay(connection_id)
        assert wait_for(lambda: linked_invoices() >= kill_after, 120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    assert 0 < linked_invoices() < INVOICES
    faults.clear_faults()

    worker = start_worker(**env)
    try:
        time.sleep(LEASE_SECONDS + 0.5)  # the killed run's lease lapses
        sync_connection.delay(connection_id)
        succeeded = SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED)
        assert wait_for(succeeded.exists, finish_within)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert linked_invoices() == INVOICES
    assert SyncRun.objects.filter(status=SyncRun.Status.INTERRUPTED).count() == 1
