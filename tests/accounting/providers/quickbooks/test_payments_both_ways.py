"""Payments and credit memos applied in Patchbay reach QuickBooks (the sandbox, over real
HTTP) once, and their echo in the next pull is not counted again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounting.models import Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Customer, Payment
from sandbox.quickbooks import books, faults
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for

REALM = helpers.UK_REALM  # 20% VAT, as Patchbay's test tax category: totals agree


@pytest.fixture
def connected(quickbooks_sandbox: str, tenants: Tenants) -> Connection:
    helpers.connect(client_for(tenants.owner), REALM)
    return helpers.connection_for(REALM)


def _customer(tenants: Tenants) -> Customer:
    return factories.make_customer(tenants.alpha, name="Harbour Build Ltd", currency="GBP")


def _pushes(entity: str) -> int:
    return AuditEntry.objects.filter(direction="push", entity=entity).count()


def _balance(invoice_number: str) -> Decimal:
    return Decimal(str(books.invoice_json(REALM, invoice_number)["Balance"]))


def test_a_part_payment_reaches_quickbooks_once_and_its_echo_is_not_counted_again(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, _customer(tenants))  # 120.00
    helpers.map_everything(connected)
    sync(connected)
    payment = services.record_payment(invoice, Decimal("45.00"), date.today(), "CHK-9")

    second = sync(connected)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    assert _balance(invoice.number) == Decimal("75.00")
    remote_id = ExternalRef.objects.get(entity=Entity.INVOICE).remote_id
    [paid] = [
        p
        for p in books.payments_of(REALM)
        if any(link["TxnId"] == remote_id for line in p.data["Line"] for link in line["LinkedTxn"])
    ]
    assert (Decimal(str(paid.data["TotalAmt"])), paid.data["PaymentRefNum"]) == (
        Decimal("45.00"),
        "CHK-9",
    )
    ref = ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk)
    assert (ref.state, ref.remote_id) == (ExternalRef.State.LINKED, paid.entity_id)
    assert _pushes(Entity.PAYMENT) == 1  # one batch request carried it

    sync(connected)  # the pull sees Patchbay's own payment

    invoice.refresh_from_db()
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert invoice.amount_due == Decimal("75.00")
    assert _pushes(Entity.PAYMENT) == 1


def test_a_payment_whose_answer_was_lost_is_not_paid_twice(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, _customer(tenants))
    helpers.map_everything(connected)
    sync(connected)
    services.record_payment(invoice, Decimal("20.00"), date.today())

    faults.commit_then_fail()
    lost = sync(connected)
    faults.clear_faults()
    assert lost.status == SyncRun.Status.FAILED
    sync(connected)  # the batch is resent with the same requestid: replayed
    sync(connected)

    assert _balance(invoice.number) == Decimal("100.00")
    invoice.refresh_from_db()
    assert (invoice.amount_due, Payment.objects.filter(invoice=invoice).count()) == (
        Decimal("100.00"),
        1,
    )


def test_a_credit_note_is_applied_to_its_invoice_in_quickbooks(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, _customer(tenants))  # 120.00
    note = factories.make_issued_credit_note(tenants.alpha, invoice)  # 24.00
    helpers.map_everything(connected)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    invoice.refresh_from_db()
    ref = ExternalRef.objects.get(entity=Entity.ALLOCATION, local_id=note.pk)
    assert ref.state == ExternalRef.State.LINKED
    memo = ExternalRef.objects.get(entity=Entity.CREDIT_NOTE, local_id=note.pk).remote_id
    assert books.entity_json(REALM, "CreditMemo", memo)["RemainingCredit"] == 0
    sync(connected)  # the applying Payment comes back in the pull: it is no payment

    invoice.refresh_from_db()
    assert (invoice.amount_due, Payment.objects.filter(invoice=invoice).count()) == (
        Decimal("96.00"),
        0,
    )
    assert _balance(invoice.number) == Decimal("96.00")
