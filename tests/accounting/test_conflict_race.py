"""A bookkeeper editing in Xero while Patchbay edits the same invoices and a real worker
syncs: no bookkeeper edit is overwritten.

Xero has no conditional write (no ETag, no SyncToken: see docs/accounting-engine.md), so
the engine reads each batch right before writing it and holds every record the ledger
changed since Patchbay's last push. The test drives the three ways the edits can meet:
the bookkeeper edits first, the bookkeeper edits while a run is writing other records,
and the bookkeeper edits after Patchbay's update was written and Patchbay edits again.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

from accounting.models import Entity, ExternalRef, Review, SyncRun
from accounting.tasks import sync_connection
from config.celery import app as celery_app
from integrations.models import Connection
from operations.models import Invoice
from sandbox.xero import books, faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.test_engine import map_everything
from tests.accounting.test_two_way_and_conflicts import amend
from tests.accounting.worker_crash import wait_for
from tests.conftest import Tenants, client_for
from tests.integrations.sandbox_flow import connect_through_sandbox
from tests.workers import start_worker

INVOICES = 60


def remote_id(invoice: Invoice) -> str:
    return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk).remote_id


def ledger_price(invoice: Invoice) -> Decimal:
    return Decimal(books.invoice(DEMO_COMPANY_UK, remote_id(invoice)).sub_total)


def finished_runs() -> int:
    return SyncRun.objects.exclude(status=SyncRun.Status.RUNNING).count()


def sync_in_worker(connection: Connection) -> SyncRun:
    before = finished_runs()
    sync_connection.delay(connection.pk)
    assert wait_for(lambda: finished_runs() > before, 180)
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and run.status in ("succeeded", "partial"), run and run.errors
    return run


def test_a_bookkeeper_edit_racing_a_patchbay_edit_is_never_overwritten(
    xero_sandbox: str, live_server: Any, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.get()
    customer = factories.make_customer(tenants.alpha, name="Race Day Productions")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(INVOICES)]
    map_everything(connection)
    celery_app.control.purge()
    worker = start_worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url)
    try:
        sync_in_worker(connection)  # everything pushed at 100.00 a line
        edited_first, updated, bystanders = invoices[:10], invoices[10:40], invoices[40:]

        # 1. Both sides edit before the next run reads: conflicts, nothing overwritten.
        for invoice in edited_first:
            books.edit_invoice(DEMO_COMPANY_UK, remote_id(invoice), unit_amount="90.00")
        for invoice in edited_first + updated:
            amend(invoice, "130.00")
        # 2. While that run writes, the bookkeeper keeps editing invoices it doesn't touch.
        faults.slow_api(0.3)
        racing = threading.Thread(target=_bookkeeper_edits, args=(bystanders,))
        racing.start()
        first = sync_in_worker(connection)
        racing.join()
        faults.clear_faults()

        assert first.counts.get("conflicts") == len(edited_first)
        assert first.counts.get("updated") == len(updated)
        assert {ledger_price(i) for i in edited_first} == {Decimal("90.00")}
        assert {ledger_price(i) for i in updated} == {Decimal("130.00")}
        assert {ledger_price(i) for i in bystanders} == {Decimal("75.00")}

        # 3. The bookkeeper edits after Patchbay's update was written; Patchbay edits again.
        late = updated[:5]
        for invoice in late:
            books.edit_invoice(DEMO_COMPANY_UK, remote_id(invoice), unit_amount="95.00")
            amend(invoice, "140.00")
        second = sync_in_worker(connection)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert second.counts.get("conflicts") == len(late)
    assert {ledger_price(i) for i in late} == {Decimal("95.00")}
    assert {ledger_price(i) for i in edited_first} == {Decimal("90.00")}
    assert {ledger_price(i) for i in bystanders} == {Decimal("75.00")}
    conflicts = Review.objects.filter(kind=Review.Kind.CONFLICT, resolution="")
    assert conflicts.count() == len(edited_first) + len(late)
    for review in conflicts:  # each holds both versions for the bookkeeper to choose from
        assert review.patchbay_version["lines"][0][2] in ("130", "140")
        assert review.ledger_version["lines"][0][2] in ("90", "95")


def _bookkeeper_edits(invoices: list[Invoice]) -> None:
    from django.db import connection as db_connection

    try:
        for invoice in invoices:
            books.edit_invoice(DEMO_COMPANY_UK, remote_id(invoice), unit_amount="75.00")
            time.sleep(0.05)
    finally:
        db_connection.close()
