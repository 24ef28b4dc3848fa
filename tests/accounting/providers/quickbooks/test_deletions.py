"""Payments deleted in QuickBooks after they came into Patchbay: CDC lists a deleted
payment as a stub without lines, so the engine takes off what Patchbay applied of it,
one share per invoice it had settled."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import Entity, ExternalRef
from integrations.models import Connection, SyncRun
from operations.models import Invoice, Payment
from sandbox.quickbooks import books
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants


def pushed_invoices(connection: Connection, tenants: Tenants, count: int) -> list[Invoice]:
    customer = factories.make_customer(tenants.alpha, name="Harbour Build LLC", currency="USD")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(count)]
    helpers.map_everything(connection)
    assert sync(connection).status == SyncRun.Status.SUCCEEDED
    return invoices


def remote_id(invoice: Invoice) -> str:
    return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk).remote_id


def test_a_payment_deleted_in_quickbooks_comes_off_its_invoice(
    connected: Connection, tenants: Tenants
) -> None:
    (invoice,) = pushed_invoices(connected, tenants, 1)  # 120.00 due
    payment = books.record_payment(helpers.US_REALM, remote_id(invoice), "50.00")
    sync(connected)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("70.00")

    books.delete_payment(helpers.US_REALM, payment.entity_id)
    run = sync(connected)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.ISSUED, Decimal("120.00"))
    assert run.counts.get("removed") == 1
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_deleted_payment_that_settled_two_invoices_comes_off_both(
    connected: Connection, tenants: Tenants
) -> None:
    first, second = pushed_invoices(connected, tenants, 2)
    payment = books.record_payment_of(
        helpers.US_REALM, {remote_id(first): "50.00", remote_id(second): "30.00"}
    )
    sync(connected)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.amount_due, second.amount_due) == (Decimal("70.00"), Decimal("90.00"))

    books.delete_payment(helpers.US_REALM, payment.entity_id)
    run = sync(connected)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.amount_due, second.amount_due) == (Decimal("120.00"), Decimal("120.00"))
    assert {first.status, second.status} == {Invoice.Status.ISSUED}
    assert run.counts.get("removed") == 2
    assert not ExternalRef.objects.filter(entity=Entity.PAYMENT).exists()
    again = sync(connected)  # the stub read again changes nothing
    assert not again.counts.get("removed") and not again.errors
