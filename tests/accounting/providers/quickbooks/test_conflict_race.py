"""A bookkeeper editing in QuickBooks while Patchbay edits the same invoices and a real
worker syncs: no bookkeeper edit is overwritten.

QuickBooks closes the window Xero leaves open: an update carries the SyncToken read just
before it, so a bookkeeper's save that lands between the engine's read of a batch and
its write makes that write fail with 5010; the engine re-reads the invoice, sees the
bookkeeper's change and opens a conflict (docs/accounting-engine.md, step 4).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounting.models import Entity
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import Invoice
from sandbox.quickbooks import books, faults
from sandbox.quickbooks.models import QboFault
from tests import factories
from tests.accounting import race
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.xero.test_two_way_and_conflicts import amend
from tests.conftest import Tenants

INVOICES = 30


def ledger_price(invoice: Invoice) -> Decimal:
    line = books.invoice_json(helpers.US_REALM, race.remote_id(invoice))["Line"][0]
    return Decimal(str(line["SalesItemLineDetail"]["UnitPrice"]))


def prices(invoices: list[Invoice]) -> set[Decimal]:
    return {ledger_price(invoice) for invoice in invoices}


def bookkeeper_sets(price: str) -> Any:
    def edit(invoice: Invoice) -> None:
        books.edit_invoice(helpers.US_REALM, race.remote_id(invoice), unit_price=Decimal(price))

    return edit


def rereads_after_stale_writes(run: SyncRun) -> int:
    """Invoices read again by Id after QuickBooks refused their update as stale (5010):
    the engine's update reads are one query per batch; only a 5010 reads by Id."""
    writes = AuditEntry.objects.filter(run=run, entity=Entity.INVOICE, method="POST")
    assert any('"5010"' in entry.response_body for entry in writes)
    reads = AuditEntry.objects.filter(
        run=run, entity=Entity.INVOICE, method="GET", url__regex=r"/invoice/[0-9]+"
    )
    return reads.count()


def test_a_bookkeeper_edit_racing_a_patchbay_edit_is_never_overwritten(
    connected: Connection, live_server: Any, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Race Day LLC", currency="USD")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(INVOICES)]
    helpers.map_everything(connected)
    env = {
        "PATCHBAY_PUBLIC_BASE_URL": live_server.url,
        "SANDBOX_QUICKBOOKS_WEBHOOK_URL": "",
        "SANDBOX_QUICKBOOKS_DISCONNECT_URL": "",
    }
    with race.worker(**env):
        race.sync_in_worker(connected)  # everything pushed at 100.00 a line
        edited_first, updated, bystanders = invoices[:6], invoices[6:24], invoices[24:]
        racing = updated[:4]

        # 1. Both sides edit before the next run reads: conflicts, nothing overwritten.
        for invoice in edited_first:
            bookkeeper_sets("90.00")(invoice)
        for invoice in edited_first + updated:
            amend(invoice, "130.00")
        # 2. The bookkeeper saves some of the invoices being updated after the run read
        #    them and before its write arrives (the write meets 5010), and meanwhile keeps
        #    editing invoices the run does not touch.
        raced = race.edit_when_a_write_arrives(
            monkeypatch,
            faults,
            QboFault.Target.API,
            "POST",
            lambda: [bookkeeper_sets("85.00")(invoice) for invoice in racing],
        )
        faults.slow_api(0.2)
        with race.editing_in_background(bookkeeper_sets("75.00"), bystanders):
            first = race.sync_in_worker(connected)
        faults.clear_faults()
        monkeypatch.undo()

        assert raced == [True]
        assert rereads_after_stale_writes(first) == len(racing)
        assert first.counts.get("conflicts") == len(edited_first) + len(racing)
        assert first.counts.get("updated") == len(updated) - len(racing)
        assert prices(edited_first) == {Decimal("90.00")}
        assert prices(racing) == {Decimal("85.00")}
        assert prices(updated[len(racing) :]) == {Decimal("130.00")}
        assert prices(bystanders) == {Decimal("75.00")}

        # 3. The bookkeeper edits after Patchbay's update was written; Patchbay edits again.
        late = updated[len(racing) : len(racing) + 5]
        for invoice in late:
            bookkeeper_sets("95.00")(invoice)
            amend(invoice, "140.00")
        second = race.sync_in_worker(connected)

    assert second.counts.get("conflicts") == len(late)
    assert not second.counts.get("updated")
    assert prices(late) == {Decimal("95.00")}
    assert prices(edited_first) == {Decimal("90.00")}
    assert prices(racing) == {Decimal("85.00")}
    assert prices(bystanders) == {Decimal("75.00")}
    assert len(race.open_conflicts()) == len(edited_first) + len(racing) + len(late)
    race.assert_each_conflict_holds_both_versions({"130", "140"}, {"90", "85", "95"})
