"""SIGKILL the worker in the middle of a push to Sage: nothing duplicated, nothing lost.

Sage takes one invoice per request, so the push is many small calls in parallel; the
kill lands between some of them being applied and their answers being saved."""

from __future__ import annotations

import signal
import time
from typing import Any

from accounting.models import SyncRun
from accounting.tasks import sync_connection
from config.celery import app as celery_app
from integrations.models import Connection
from sandbox.sage import faults, inspect
from tests import factories
from tests.accounting.sage.helpers import linked_invoices
from tests.accounting.sage.test_reliability import references_in_sage
from tests.conftest import Tenants
from tests.workers import start_worker

# Fewer than Xero's 500: with one call each they stay within a minute's 180-call budget.
INVOICES = 150


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_killing_the_worker_mid_push_neither_duplicates_nor_loses_an_invoice(
    sage_connected: Connection, live_server: Any, tenants: Tenants
) -> None:
    customers = [
        factories.make_customer(tenants.alpha, name=f"Crash customer {n}") for n in range(10)
    ]
    invoices = [
        factories.make_issued_invoice(tenants.alpha, customers[n % 10]) for n in range(INVOICES)
    ]
    faults.slow_api(0.4)  # every call takes a while: room to kill the worker mid-push
    celery_app.control.purge()
    env = {"PATCHBAY_PUBLIC_BASE_URL": live_server.url, "SYNC_RUN_LEASE_SECONDS": "3"}

    worker = start_worker(**env)
    try:
        sync_connection.delay(sage_connected.pk)
        assert wait_for(lambda: linked_invoices() >= 20, 120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    killed_at = linked_invoices()
    assert 0 < killed_at < INVOICES
    faults.clear_faults()

    worker = start_worker(**env)
    try:
        time.sleep(3.5)  # the killed run's lease lapses
        sync_connection.delay(sage_connected.pk)
        assert wait_for(
            lambda: SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).exists(), 240
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    numbers = sorted(invoice.number for invoice in invoices)
    assert sorted(r for r in references_in_sage() if r in numbers) == numbers  # each once
    assert linked_invoices() == INVOICES
    assert SyncRun.objects.filter(status=SyncRun.Status.INTERRUPTED).count() == 1
    assert inspect.idempotent_replays(with_other_body=True) == 0
