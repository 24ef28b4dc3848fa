"""Approved purchase orders pushed to the QuickBooks sandbox as PurchaseOrders, their
suppliers as Vendors, lines on the mapped expense accounts; a purchase order deleted in
QuickBooks goes to review and "push it again" makes exactly one new one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounting.engine.adapter import EXPENSE_ACCOUNT
from accounting.engine.sync import adapter_for
from accounting.models import AccountMapping, Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection
from operations import purchasing
from operations.models import ExpenseCategory, PurchaseOrder
from sandbox.quickbooks import books
from sandbox.quickbooks.store import Books
from tests import factories
from tests.accounting import removed_in_ledger as scenario
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants


@pytest.fixture
def mapped(connected: Connection, tenants: Tenants) -> Connection:
    factories.line(tenants.alpha, "1.00")  # the tax and income categories to map
    helpers.map_everything(connected)
    return connected


def map_expenses(connection: Connection) -> str:
    """Every expense category to the company's first expense account; returns its Id."""
    [account, *_] = adapter_for(connection, None).expense_accounts()
    assert account.kind == EXPENSE_ACCOUNT
    for category in ExpenseCategory.objects.filter(organisation=connection.organisation):
        AccountMapping.objects.update_or_create(
            connection=connection,
            kind=AccountMapping.Kind.EXPENSE,
            local_id=category.pk,
            defaults={"organisation": connection.organisation, "remote_code": account.code},
        )
    return account.code


def approved_order(tenants: Tenants, *, category: str = "Sub-hire") -> PurchaseOrder:
    supplier = factories.make_customer(
        tenants.alpha, "Northern Backline", is_supplier=True, currency="USD"
    )
    expense, _ = ExpenseCategory.objects.get_or_create(organisation=tenants.alpha, name=category)
    tax = factories._first_tax(tenants.alpha)
    order = purchasing.create_purchase_order(
        supplier,
        [purchasing.OrderLine(Decimal("95.00"), expense, tax, Decimal("4"), "Line array")],
    )
    return purchasing.advance(order, PurchaseOrder.Status.APPROVED)


def writes(connection: Connection, entity: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(connection=connection, direction="push", entity=entity))


def live_orders(number: str) -> list[str]:
    return [
        row.entity_id
        for row in books.purchase_orders_of(helpers.US_REALM)
        if row.data.get("DocNumber") == number
    ]


def test_an_approved_order_goes_as_a_purchase_order_to_a_vendor_in_two_calls(
    mapped: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants)
    account = map_expenses(mapped)
    run = scenario.sync(mapped)

    assert len(writes(mapped, Entity.VENDOR)) == 1
    [order_call] = writes(mapped, Entity.PURCHASE_ORDER)
    assert "/batch" in order_call.url and order_call.idempotency_key
    [remote_id] = live_orders("PO-0001")
    remote = Books(books.company(helpers.US_REALM)).get("PurchaseOrder", remote_id)
    assert remote is not None
    [line] = remote.data["Line"]
    assert line["AccountBasedExpenseLineDetail"]["AccountRef"]["value"] == account
    assert line["Amount"] == 380 and remote.data["TotalAmt"] == 380
    # The company's seeded freelance vendor is there too; the supplier is one more.
    [vendor] = [
        row
        for row in books.vendors_of(helpers.US_REALM)
        if row.data["DisplayName"] == "Northern Backline"
    ]
    assert remote.data["VendorRef"]["value"] == vendor.entity_id
    # A supplier is a vendor in QuickBooks, not a customer as well.
    assert "Northern Backline" not in {
        c.data["DisplayName"] for c in books.customers_of(helpers.US_REALM)
    }
    ref = ExternalRef.objects.get(connection=mapped, entity=Entity.PURCHASE_ORDER)
    assert (ref.local_id, ref.remote_id, ref.state) == (order.pk, remote_id, "linked")
    assert ref.remote_url  # where it opens in QuickBooks (the console, in tests)
    assert run.counts.get("created", 0) >= 2

    # Nothing changed: a second sync writes nothing more.
    scenario.sync(mapped)
    assert len(writes(mapped, Entity.PURCHASE_ORDER)) == 1
    assert len(writes(mapped, Entity.VENDOR)) == 1


def test_received_order_changes_are_sent_as_one_sparse_update(
    mapped: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants)
    map_expenses(mapped)
    scenario.sync(mapped)
    PurchaseOrder.objects.filter(pk=order.pk).update(notes="Deliver to stage door")
    order.refresh_from_db()
    purchasing.advance(order, PurchaseOrder.Status.RECEIVED)
    scenario.sync(mapped)
    calls = writes(mapped, Entity.PURCHASE_ORDER)
    assert [c.outcome for c in calls] == [AuditEntry.Outcome.CREATED, AuditEntry.Outcome.UPDATED]
    [remote_id] = live_orders("PO-0001")
    remote = Books(books.company(helpers.US_REALM)).get("PurchaseOrder", remote_id)
    assert remote is not None and remote.data["Memo"] == "Deliver to stage door"


def test_an_unmapped_expense_category_blocks_only_purchase_orders(
    mapped: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants, category="Vehicle fuel")
    customer = factories.make_customer(tenants.alpha, "Hire Client", currency="USD")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    run = sync(mapped)  # partial: the order is refused, everything else goes
    assert writes(mapped, Entity.PURCHASE_ORDER) == []
    ref = ExternalRef.objects.get(connection=mapped, entity=Entity.PURCHASE_ORDER)
    assert ref.state == ExternalRef.State.ERROR
    assert ref.last_error == (
        f"Purchase order {order.number} waits: map the expense category Vehicle fuel to an "
        "expense account on the mappings page, then sync again."
    )
    assert ExternalRef.objects.get(
        connection=mapped, entity=Entity.INVOICE, local_id=invoice.pk
    ).remote_id
    assert any("Vehicle fuel" in error["message"] for error in run.errors)


def test_a_purchase_order_deleted_in_quickbooks_goes_to_review_and_is_pushed_again_once(
    mapped: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants)
    map_expenses(mapped)
    scenario.sync(mapped)
    ref = ExternalRef.objects.get(connection=mapped, entity=Entity.PURCHASE_ORDER)
    first_key = writes(mapped, Entity.PURCHASE_ORDER)[-1].idempotency_key

    answer = Client().post(
        reverse("sandbox:quickbooks:console"),
        {
            "action": "purchaseorder-delete",
            "realm": helpers.US_REALM,
            "purchase_order": ref.remote_id,
        },
        follow=True,
    )
    assert (
        answer.status_code == 200 and "Purchase order PO-0001 deleted." in answer.content.decode()
    )
    assert live_orders("PO-0001") == []
    noticed = scenario.sync(mapped)

    review = Review.objects.get(connection=mapped, resolution=Review.Resolution.OPEN)
    assert (review.kind, review.entity, review.local_id) == ("removed", "purchase_order", order.pk)
    assert review.ledger_version["message"].startswith(
        "PO-0001 was deleted in QuickBooks Online on "
    )
    assert noticed.counts.get("review") == 1
    scenario.sync(mapped)  # held: nothing sent while the review is open
    assert len(writes(mapped, Entity.PURCHASE_ORDER)) == 1

    scenario.resolve(tenants, review, "push_again")
    repushed = scenario.sync(mapped)
    [new_order] = live_orders("PO-0001")
    calls = writes(mapped, Entity.PURCHASE_ORDER)
    assert len(calls) == 2 and calls[-1].idempotency_key != first_key
    assert repushed.counts.get("created") == 1
    ref.refresh_from_db()
    assert (ref.state, ref.remote_id, ref.attempt) == (ExternalRef.State.LINKED, new_order, 1)
    scenario.sync(mapped)
    assert len(writes(mapped, Entity.PURCHASE_ORDER)) == 2
    assert live_orders("PO-0001") == [new_order]
