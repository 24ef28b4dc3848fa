"""A bookkeeper editing in Sage while Patchbay edits the same invoices and a real worker
syncs: no bookkeeper edit is overwritten.

Sage has no conditional write (no If-Match; `updated_at` is to the second), so, as for
Xero, the engine reads each record right before writing it (one GET and one PUT per
invoice) and holds every record whose owned fields the ledger changed since Patchbay's
last push. The test drives the ways the edits can meet: the bookkeeper edits before the
run, while the run is writing (invoices it has yet to reach, and ones it never touches),
and after Patchbay's update was written, Patchbay then editing again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integrations.models import Connection
from operations.models import Invoice
from sandbox.sage import books, faults
from sandbox.sage.models import SageFault
from sandbox.sage.seed import DEMO_HIRE_UK
from tests import factories
from tests.accounting import race
from tests.accounting.providers.xero.test_two_way_and_conflicts import amend
from tests.conftest import Tenants

INVOICES = 30


def ledger_price(invoice: Invoice) -> Decimal:
    remote = books.invoice(DEMO_HIRE_UK, race.remote_id(invoice))
    return Decimal(remote.lines.order_by("pk")[0].unit_price)


def prices(invoices: list[Invoice]) -> set[Decimal]:
    return {ledger_price(invoice) for invoice in invoices}


def bookkeeper_sets(price: str) -> Any:
    def edit(invoice: Invoice) -> None:
        books.edit_invoice(DEMO_HIRE_UK, race.remote_id(invoice), unit_price=price)

    return edit


def test_a_bookkeeper_edit_racing_a_patchbay_edit_is_never_overwritten(
    sage_connected: Connection,
    live_server: Any,
    tenants: Tenants,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Race Day Productions")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(INVOICES)]
    with race.worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url):
        race.sync_in_worker(sage_connected)  # everything pushed at 100.00 a line
        edited_first, updated, bystanders = invoices[:6], invoices[6:24], invoices[24:]
        # Updates go in Patchbay's order, one read and one write each: these come last.
        racing = updated[-4:]

        # 1. Both sides edit before the next run reads: conflicts, nothing overwritten.
        for invoice in edited_first:
            bookkeeper_sets("90.00")(invoice)
        for invoice in edited_first + updated:
            amend(invoice, "130.00")
        # 2. As the run's first write arrives, the bookkeeper saves invoices the run is
        #    about to update; meanwhile they keep editing invoices the run does not touch.
        raced = race.edit_when_a_write_arrives(
            monkeypatch,
            faults,
            SageFault.Target.API,
            "PUT",
            lambda: [bookkeeper_sets("85.00")(invoice) for invoice in racing],
        )
        faults.slow_api(0.05)
        with race.editing_in_background(bookkeeper_sets("75.00"), bystanders):
            first = race.sync_in_worker(sage_connected)
        faults.clear_faults()
        monkeypatch.undo()

        assert raced == [True]
        assert first.counts.get("conflicts") == len(edited_first) + len(racing)
        assert first.counts.get("updated") == len(updated) - len(racing)
        assert prices(edited_first) == {Decimal("90.00")}
        assert prices(racing) == {Decimal("85.00")}
        assert prices(updated[: -len(racing)]) == {Decimal("130.00")}
        assert prices(bystanders) == {Decimal("75.00")}

        # 3. The bookkeeper edits after Patchbay's update was written; Patchbay edits again.
        late = updated[:5]
        for invoice in late:
            bookkeeper_sets("95.00")(invoice)
            amend(invoice, "140.00")
        second = race.sync_in_worker(sage_connected)

    assert second.counts.get("conflicts") == len(late)
    assert not second.counts.get("updated")
    assert prices(late) == {Decimal("95.00")}
    assert prices(edited_first) == {Decimal("90.00")}
    assert prices(racing) == {Decimal("85.00")}
    assert prices(bystanders) == {Decimal("75.00")}
    assert len(race.open_conflicts()) == len(edited_first) + len(racing) + len(late)
    race.assert_each_conflict_holds_both_versions({"130", "140"}, {"90", "85", "95"})
