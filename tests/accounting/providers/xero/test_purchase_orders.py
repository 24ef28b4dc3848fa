"""Approved purchase orders pushed to the Xero sandbox as PurchaseOrders to the
supplier's contact, lines on the mapped expense accounts; a purchase order deleted in
Xero's console goes to review and "push it again" makes exactly one new one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounting.engine.sync import adapter_for
from accounting.models import AccountMapping, Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection
from operations import purchasing
from operations.models import ExpenseCategory, PurchaseOrder
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting import removed_in_ledger as scenario
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.make_tax(tenants.alpha)
    factories.make_income(tenants.alpha)
    map_everything(connection)
    return connection


def approved_order(tenants: Tenants, connection: Connection) -> PurchaseOrder:
    """A supplier's approved order, its expense category mapped to Xero's first expense
    account (read through the adapter, as the mappings page's refresh does)."""
    supplier = factories.make_customer(tenants.alpha, "Northern Backline", is_supplier=True)
    expense = ExpenseCategory.objects.create(organisation=tenants.alpha, name="Sub-hire")
    [account, *_] = adapter_for(connection, None).expense_accounts()
    AccountMapping.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        kind=AccountMapping.Kind.EXPENSE,
        local_id=expense.pk,
        remote_code=account.code,
    )
    line = purchasing.OrderLine(
        Decimal("95.00"), expense, factories._first_tax(tenants.alpha), Decimal("2"), "Line array"
    )
    order = purchasing.create_purchase_order(supplier, [line])
    return purchasing.advance(order, PurchaseOrder.Status.APPROVED)


def writes(connection: Connection) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            connection=connection, direction="push", entity=Entity.PURCHASE_ORDER
        ).order_by("pk")
    )


def live(number: str) -> list[str]:
    return [
        str(row.purchase_order_id)
        for row in books.purchase_orders_of(DEMO_COMPANY_UK)
        if row.purchase_order_number == number and row.status != "DELETED"
    ]


def test_an_approved_order_goes_once_as_a_draft_purchase_order_to_the_suppliers_contact(
    connected: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants, connected)
    scenario.sync(connected)
    scenario.sync(connected)

    [create] = writes(connected)
    assert create.method == "PUT" and create.idempotency_key
    [remote_id] = live(order.number)
    [row] = [r for r in books.purchase_orders_of(DEMO_COMPANY_UK) if r.purchase_order_number]
    assert (row.status, row.contact.name) == ("DRAFT", "Northern Backline")
    assert row.sub_total == Decimal("190.00")
    assert row.total_tax == Decimal("38.00")  # the expense account's own purchase rate
    ref = ExternalRef.objects.get(connection=connected, entity=Entity.PURCHASE_ORDER)
    assert (ref.remote_id, ref.remote_number, ref.state) == (remote_id, "PO-0001", "linked")


def test_a_purchase_order_deleted_in_xero_goes_to_review_and_is_pushed_again_once(
    connected: Connection, tenants: Tenants
) -> None:
    order = approved_order(tenants, connected)
    scenario.sync(connected)
    ref = ExternalRef.objects.get(connection=connected, entity=Entity.PURCHASE_ORDER)
    first_key = writes(connected)[-1].idempotency_key

    answer = Client().post(
        reverse("sandbox:xero:console"),
        {
            "action": "purchaseorder-delete",
            "tenant": str(DEMO_COMPANY_UK),
            "purchase_order": ref.remote_id,
        },
        follow=True,
    )
    assert "Purchase order PO-0001 deleted." in answer.content.decode()
    assert live(order.number) == []
    noticed = scenario.sync(connected)

    review = Review.objects.get(connection=connected, resolution=Review.Resolution.OPEN)
    assert (review.kind, review.entity, review.local_id) == ("removed", "purchase_order", order.pk)
    assert review.ledger_version["message"].startswith("PO-0001 was deleted in Xero on ")
    assert noticed.counts.get("review") == 1
    scenario.sync(connected)
    assert len(writes(connected)) == 1  # held while the review is open

    scenario.resolve(tenants, review, "push_again")
    repushed = scenario.sync(connected)
    [new_order] = live(order.number)
    calls = writes(connected)
    assert len(calls) == 2 and calls[-1].idempotency_key != first_key
    assert repushed.counts.get("created") == 1
    ref.refresh_from_db()
    assert (ref.state, ref.remote_id, ref.attempt) == (ExternalRef.State.LINKED, new_order, 1)
    scenario.sync(connected)
    assert len(writes(connected)) == 2 and live(order.number) == [new_order]
