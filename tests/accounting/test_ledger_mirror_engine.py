"""The ledger mirror's rules, against an adapter that answers from a list: what is mirrored,
what is skipped and counted, and that the read is incremental (the sandboxes' end-to-end
flows are in tests/accounting/providers/*/test_ledger_mirror.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from accounting.engine import mirror, pull
from accounting.engine.adapter import IncomingPayment, LedgerInvoice, Page
from accounting.models import LEDGER_INVOICES, Entity, ExternalRef, LedgerDocument, SyncCursor
from integrations import runs
from integrations.models import Connection, SyncRun
from operations.models import Customer
from tests import factories
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class ListedLedger:
    """An adapter whose ledger_invoices answers from ``invoices``, recording each ask."""

    def __init__(self, invoices: list[LedgerInvoice]) -> None:
        self.invoices = invoices
        self.asked: list[datetime | None] = []

    def ledger_invoices(self, since: datetime | None, page: int) -> Page:
        self.asked.append(since)
        return Page(invoices=[i for i in self.invoices if since is None or i.updated_at >= since])


def _invoice(remote_id: str, contact: str, **extra: Any) -> LedgerInvoice:
    fields: dict[str, Any] = {
        "remote_id": remote_id,
        "contact_remote_id": contact,
        "number": f"INV-{remote_id}",
        "issued_on": date(2026, 12, 1),
        "due_on": date(2026, 12, 31),
        "currency": "GBP",
        "total": Decimal("240.00"),
        "amount_due": Decimal("240.00"),
        "status": "issued",
        "updated_at": AT,
    }
    return LedgerInvoice(**(fields | extra))


def _link(connection: Connection, entity: str, local_id: int, remote_id: str) -> None:
    ExternalRef.objects.create(
        organisation=connection.organisation,
        connection=connection,
        entity=entity,
        local_id=local_id,
        remote_id=remote_id,
        state=ExternalRef.State.LINKED,
    )


@pytest.fixture
def connection(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


@pytest.fixture
def customer(tenants: Tenants, connection: Connection) -> Customer:
    known = factories.make_customer(tenants.alpha, "Known Hire Ltd")
    _link(connection, Entity.CUSTOMER, known.pk, "contact-known")
    return known


def _run(connection: Connection) -> SyncRun:
    return runs.start(connection, SyncRun.Trigger.MANUAL)


def _pulled(connection: Connection, ledger: ListedLedger) -> SyncRun:
    """One run's mirror phase, the run finished."""
    run = _run(connection)
    mirror.pull_ledger_invoices(run, ledger)  # type: ignore[arg-type]
    return runs.finish(run)


def test_an_invoice_for_an_unlinked_customer_is_skipped_and_counted(
    connection: Connection, customer: Customer
) -> None:
    ledger = ListedLedger([_invoice("1", "contact-known"), _invoice("2", "contact-stranger")])
    run = _run(connection)

    mirror.pull_ledger_invoices(run, ledger)  # type: ignore[arg-type]

    [row] = LedgerDocument.objects.filter(connection=connection)
    assert (row.remote_id, row.customer_id, row.number) == ("1", customer.pk, "INV-1")
    assert run.counts[mirror.UNLINKED] == 1
    assert run.counts[mirror.MIRRORED] == 1
    # The count is on the run, which the sync log lists ("name n"), once saved.
    runs.finish(run)
    assert SyncRun.objects.get(pk=run.pk).counts[mirror.UNLINKED] == 1


def test_patchbays_own_invoices_and_drafts_are_not_mirrored(
    connection: Connection, customer: Customer, tenants: Tenants
) -> None:
    own = factories.make_issued_invoice(tenants.alpha, customer)
    _link(connection, Entity.INVOICE, own.pk, "pushed-1")
    ledger = ListedLedger(
        [_invoice("pushed-1", "contact-known"), _invoice("d", "contact-known", status="draft")]
    )

    mirror.pull_ledger_invoices(_run(connection), ledger)  # type: ignore[arg-type]

    assert not LedgerDocument.objects.exists()


def test_no_linked_customer_means_no_read_and_no_cursor(connection: Connection) -> None:
    ledger = ListedLedger([_invoice("1", "contact-known")])

    mirror.pull_ledger_invoices(_run(connection), ledger)  # type: ignore[arg-type]

    assert ledger.asked == []
    assert not SyncCursor.objects.filter(entity=LEDGER_INVOICES[0]).exists()


def test_the_read_is_incremental_and_an_unchanged_invoice_is_not_written_again(
    connection: Connection, customer: Customer
) -> None:
    ledger = ListedLedger([_invoice("1", "contact-known")])
    first = _run(connection)
    mirror.pull_ledger_invoices(first, ledger)  # type: ignore[arg-type]
    runs.finish(first)
    cursor = SyncCursor.objects.get(connection=connection, entity=LEDGER_INVOICES[0])
    assert cursor.high_water is not None

    second = _run(connection)
    mirror.pull_ledger_invoices(second, ledger)  # type: ignore[arg-type]

    assert ledger.asked == [None, cursor.high_water - pull.OVERLAP]
    assert mirror.MIRRORED not in second.counts


def test_a_mirrored_invoice_deleted_in_the_ledger_is_marked_and_leaves_the_balance(
    connection: Connection, customer: Customer
) -> None:
    _pulled(connection, ListedLedger([_invoice("1", "contact-known")]))
    gone = _invoice("1", "", status="deleted", updated_at=datetime.now(UTC))

    _pulled(connection, ListedLedger([gone]))

    row = LedgerDocument.objects.get()
    assert (row.status, row.customer_id, row.open) == ("deleted", customer.pk, False)


def test_a_payment_on_a_mirrored_invoice_is_mirrored_and_its_deletion_removes_it(
    connection: Connection, customer: Customer
) -> None:
    _pulled(connection, ListedLedger([_invoice("1", "contact-known")]))
    payment = IncomingPayment("pay-1", "1", Decimal("40.00"), date(2026, 12, 2), "BACS", AT)
    run = _run(connection)

    assert mirror.apply_payment(run, payment)
    assert not mirror.apply_payment(run, replace(payment, invoice_remote_id="unknown"))

    row = LedgerDocument.objects.select_related("invoice").get(kind="payment")
    assert row.invoice is not None
    assert (row.total, row.invoice.remote_id, row.customer_id) == (
        Decimal("40.00"),
        "1",
        customer.pk,
    )
    assert mirror.remove_payment(run, replace(payment, deleted=True))
    assert not LedgerDocument.objects.filter(kind="payment").exists()
