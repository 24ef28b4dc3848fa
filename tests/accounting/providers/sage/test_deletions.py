"""Records deleted in Sage after they came into Patchbay: read with `deleted_since` on
incremental pulls and handled as the engine handles a record deleted in any ledger."""

from __future__ import annotations

from decimal import Decimal

from accounting.engine import reviews
from accounting.models import Entity, ExternalRef
from integrations.models import AuditEntry, Connection
from operations.models import Customer, EquipmentItem, Invoice, Payment
from sandbox.sage import books
from sandbox.sage.seed import DEMO_HIRE_UK
from tests import factories
from tests.accounting.providers.sage.helpers import ref_of, remote_id_of, sync
from tests.conftest import Tenants
from webhooks.models import Event


def test_a_receipt_deleted_in_sage_comes_off_the_invoice_and_its_amount_is_due_again(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    sync(sage_connected)
    remote_id = remote_id_of(Entity.INVOICE, invoice.pk)
    books.release_invoice(DEMO_HIRE_UK, remote_id)
    first = books.record_payment(DEMO_HIRE_UK, remote_id, "50.00", reference="BACS 1")
    books.record_payment(DEMO_HIRE_UK, remote_id, "70.00", reference="BACS 2")
    sync(sage_connected)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PAID, Decimal("0.00"))

    books.delete_payment(DEMO_HIRE_UK, first.guid)  # the bookkeeper deletes the first one
    run = sync(sage_connected)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (
        Invoice.Status.PARTIALLY_PAID,
        Decimal("50.00"),
    )
    assert [p.reference for p in Payment.objects.filter(invoice=invoice)] == ["BACS 2"]
    assert run.counts.get("removed") == 1
    assert not ExternalRef.objects.filter(
        entity=Entity.PAYMENT, remote_id__startswith=f"{first.guid}:"
    ).exists()
    assert Event.objects.filter(type="payment.removed").count() == 1

    again = sync(sage_connected)  # the deletion is listed again (the cursor's overlap)

    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("50.00")
    assert not again.counts.get("removed") and not again.errors


def test_deleting_the_only_receipt_makes_the_invoice_issued_again(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)
    remote_id = remote_id_of(Entity.INVOICE, invoice.pk)
    books.release_invoice(DEMO_HIRE_UK, remote_id)
    receipt = books.record_payment(DEMO_HIRE_UK, remote_id, "120.00")
    sync(sage_connected)

    books.delete_payment(DEMO_HIRE_UK, receipt.guid)
    sync(sage_connected)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.ISSUED, Decimal("120.00"))
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_contact_deleted_in_sage_keeps_the_customer_and_refuses_its_link(
    sage_connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Gone In Sage Ltd")
    sync(sage_connected)
    books.delete_contact(DEMO_HIRE_UK, remote_id_of(Entity.CUSTOMER, customer.pk))

    run = sync(sage_connected, allow_failure=True)

    customer.refresh_from_db()
    assert customer.name == "Gone In Sage Ltd"  # nothing taken from the deleted record
    ref = ref_of(Entity.CUSTOMER, customer.pk)
    assert (ref.state, ref.last_error) == (ExternalRef.State.ERROR, reviews.DELETED_IN_LEDGER)
    assert [e["local_id"] for e in run.errors] == [customer.pk]

    again = sync(sage_connected, allow_failure=True)

    assert not again.errors  # refused once, not at every sync
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_a_service_deleted_in_sage_keeps_the_item_and_refuses_its_link(
    sage_connected: Connection, tenants: Tenants
) -> None:
    item = factories.make_item(tenants.alpha)
    sync(sage_connected)
    books.delete_item(DEMO_HIRE_UK, remote_id_of(Entity.ITEM, item.pk))

    sync(sage_connected, allow_failure=True)

    assert EquipmentItem.objects.filter(pk=item.pk, name=item.name).exists()
    ref = ref_of(Entity.ITEM, item.pk)
    assert (ref.state, ref.last_error) == (ExternalRef.State.ERROR, reviews.DELETED_IN_LEDGER)


def test_only_incremental_pulls_ask_what_was_deleted(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    first = sync(sage_connected)
    books.release_invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk))
    books.record_payment(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk), "10.00")
    second = sync(sage_connected)  # the first receipt: payments are still read whole
    third = sync(sage_connected)

    def deleted_reads(run_id: int) -> list[str]:
        urls = AuditEntry.objects.filter(run_id=run_id, url__contains="deleted_since=")
        return sorted(urls.values_list("entity", flat=True))

    assert deleted_reads(first.pk) == []
    # Invoices from the second run on: the first only starts the clock of documents
    # deleted in the ledger (nothing was pushed before it); no credit note is in Sage.
    assert deleted_reads(second.pk) == ["customer", "invoice", "item"]
    assert deleted_reads(third.pk) == ["customer", "invoice", "item", "payment"]
