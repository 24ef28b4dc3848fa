"""A bookkeeper editing in Xero while Patchbay edits the same invoices and a real worker
syncs: no bookkeeper edit is overwritten.

Xero has no conditional write (no ETag, no SyncToken: see docs/accounting-engine.md), so
the engine reads each batch right before writing it and holds every record the ledger
changed since Patchbay's last push. The test drives the three ways the edits can meet:
the bookkeeper edits first, the bookkeeper edits while a run is writing other records,
and the bookkeeper edits after Patchbay's update was written and Patchbay edits again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.models import Connection
from operations.models import Invoice
from sandbox.xero import books, faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting import race
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.providers.xero.test_two_way_and_conflicts import amend
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for

INVOICES = 60


def ledger_price(invoice: Invoice) -> Decimal:
    return Decimal(books.invoice(DEMO_COMPANY_UK, race.remote_id(invoice)).sub_total)


def bookkeeper_sets(price: str) -> Any:
    def edit(invoice: Invoice) -> None:
        books.edit_invoice(DEMO_COMPANY_UK, race.remote_id(invoice), unit_amount=price)

    return edit


def test_a_bookkeeper_edit_racing_a_patchbay_edit_is_never_overwritten(
    xero_sandbox: str, live_server: Any, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.get()
    customer = factories.make_customer(tenants.alpha, name="Race Day Productions")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(INVOICES)]
    map_everything(connection)
    with race.worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url):
        race.sync_in_worker(connection)  # everything pushed at 100.00 a line
        edited_first, updated, bystanders = invoices[:10], invoices[10:40], invoices[40:]

        # 1. Both sides edit before the next run reads: conflicts, nothing overwritten.
        for invoice in edited_first:
            bookkeeper_sets("90.00")(invoice)
        for invoice in edited_first + updated:
            amend(invoice, "130.00")
        # 2. While that run writes, the bookkeeper keeps editing invoices it doesn't touch.
        faults.slow_api(0.3)
        with race.editing_in_background(bookkeeper_sets("75.00"), bystanders):
            first = race.sync_in_worker(connection)
        faults.clear_faults()

        assert first.counts.get("conflicts") == len(edited_first)
        assert first.counts.get("updated") == len(updated)
        assert {ledger_price(i) for i in edited_first} == {Decimal("90.00")}
        assert {ledger_price(i) for i in updated} == {Decimal("130.00")}
        assert {ledger_price(i) for i in bystanders} == {Decimal("75.00")}

        # 3. The bookkeeper edits after Patchbay's update was written; Patchbay edits again.
        late = updated[:5]
        for invoice in late:
            bookkeeper_sets("95.00")(invoice)
            amend(invoice, "140.00")
        second = race.sync_in_worker(connection)

    assert second.counts.get("conflicts") == len(late)
    assert {ledger_price(i) for i in late} == {Decimal("95.00")}
    assert {ledger_price(i) for i in edited_first} == {Decimal("90.00")}
    assert {ledger_price(i) for i in bystanders} == {Decimal("75.00")}
    assert len(race.open_conflicts()) == len(edited_first) + len(late)
    race.assert_each_conflict_holds_both_versions({"130", "140"}, {"90", "95"})
