"""SIGKILL the worker in the middle of a push: nothing is duplicated, nothing lost."""

from __future__ import annotations

import signal
import time
from typing import Any

from accounting.models import Entity, ExternalRef, SyncRun
from accounting.tasks import sync_connection
from config.celery import app as celery_app
from integrations.models import Connection
from sandbox.xero import books, faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for
from tests.integrations.sandbox_flow import connect_through_sandbox
from tests.workers import start_worker

INVOICES = 500


def linked() -> int:
    return ExternalRef.objects.filter(entity=Entity.INVOICE, state=ExternalRef.State.LINKED).count()


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_killing_the_worker_mid_push_neither_duplicates_nor_loses_an_invoice(
    xero_sandbox: str, live_server: Any, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.get()
    customers = [
        factories.make_customer(tenants.alpha, name=f"Crash customer {n}") for n in range(20)
    ]
    invoices = [
        factories.make_issued_invoice(tenants.alpha, customers[n % 20]) for n in range(INVOICES)
    ]
    map_everything(connection)
    faults.slow_api(0.4)  # every call takes a while: room to kill the worker mid-push
    celery_app.control.purge()
    env = {"PATCHBAY_PUBLIC_BASE_URL": live_server.url, "SYNC_RUN_LEASE_SECONDS": "3"}

    worker = start_worker(**env)
    try:
        sync_connection.delay(connection.pk)
        assert wait_for(lambda: linked() >= 50, 120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    killed_at = linked()
    assert 0 < killed_at < INVOICES
    faults.clear_faults()

    worker = start_worker(**env)
    try:
        time.sleep(3.5)  # the killed run's lease lapses
        sync_connection.delay(connection.pk)
        assert wait_for(
            lambda: SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).exists(), 180
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    numbers = {invoice.number for invoice in invoices}
    pushed = [i.reference for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference in numbers]
    assert sorted(pushed) == sorted(numbers)  # each exactly once
    assert linked() == INVOICES
    assert SyncRun.objects.filter(status=SyncRun.Status.INTERRUPTED).count() == 1
