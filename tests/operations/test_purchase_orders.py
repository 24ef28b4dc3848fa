"""Sub-hire purchase orders: the services and the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from operations import purchasing
from operations.models import Customer, ExpenseCategory, PurchaseOrder
from operations.purchasing import OrderLine
from operations.services import OperationError
from tenancy.models import Organisation
from tests import factories
from tests.conftest import Tenants, client_for

LIST = reverse("operations:purchase_order_list")
NEW = reverse("operations:purchase_order_create")


def make_supplier(organisation: Organisation, name: str = "Northern Backline") -> Customer:
    return factories.make_customer(organisation, name=name, is_supplier=True)


def make_order(
    organisation: Organisation, *, cost: str = "100.00", quantity: str = "2"
) -> PurchaseOrder:
    expense, _ = ExpenseCategory.objects.get_or_create(organisation=organisation, name="Sub-hire")
    return purchasing.create_purchase_order(
        make_supplier(organisation),
        [
            OrderLine(
                Decimal(cost),
                expense,
                factories._first_tax(organisation),
                Decimal(quantity),
                "Line array",
            )
        ],
    )


def detail(order: PurchaseOrder, action: str = "") -> str:
    name = f"operations:purchase_order_{action or 'detail'}"
    return reverse(name, kwargs={"pk": order.pk})


# --- Services -----------------------------------------------------------------------------


def test_orders_are_numbered_per_organisation_and_total_with_tax(tenants: Tenants) -> None:
    first = make_order(tenants.alpha)
    second = make_order(tenants.alpha, cost="10.00", quantity="1")
    other = make_order(tenants.bravo)
    assert [first.number, second.number, other.number] == ["PO-0001", "PO-0002", "PO-0001"]
    assert first.total == Decimal("240.00")  # 2 x 100 + 20% tax
    assert first.status == PurchaseOrder.Status.DRAFT


def test_a_customer_not_marked_supplier_is_refused(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    expense = ExpenseCategory.objects.create(organisation=tenants.alpha, name="Sub-hire")
    line = OrderLine(Decimal("5"), expense, factories.make_tax(tenants.alpha), description="x")
    with pytest.raises(OperationError, match="not marked as a supplier"):
        purchasing.create_purchase_order(customer, [line])


def test_another_organisations_expense_category_is_refused(tenants: Tenants) -> None:
    expense = ExpenseCategory.objects.create(organisation=tenants.bravo, name="Theirs")
    line = OrderLine(Decimal("5"), expense, factories.make_tax(tenants.alpha), description="x")
    with pytest.raises(OperationError, match="another organisation"):
        purchasing.create_purchase_order(make_supplier(tenants.alpha), [line])


def test_status_moves_one_step_at_a_time(tenants: Tenants) -> None:
    order = make_order(tenants.alpha)
    with pytest.raises(OperationError, match="PO-0001 is Draft"):
        purchasing.advance(order, PurchaseOrder.Status.RECEIVED)
    for status in ("approved", "received", "billed"):
        order = purchasing.advance(order, status)
        assert order.status == status
    with pytest.raises(OperationError):
        purchasing.advance(order, PurchaseOrder.Status.APPROVED)


# --- Pages --------------------------------------------------------------------------------


def test_list_shows_orders_to_bookkeepers_and_hides_them_from_crew(tenants: Tenants) -> None:
    make_order(tenants.alpha)
    body = client_for(tenants.bookkeeper).get(LIST).content.decode()
    assert "PO-0001" in body and "Northern Backline" in body and "240.00 GBP" in body
    assert "New purchase order" not in body  # bookkeepers only view
    assert client_for(tenants.crew).get(LIST).status_code == 403


def test_another_organisations_order_is_a_404(tenants: Tenants) -> None:
    order = make_order(tenants.bravo)
    client = client_for(tenants.owner)
    assert client.get(detail(order)).status_code == 404
    assert client.post(detail(order, "approve")).status_code == 404


def _form(
    supplier_pk: object, expense_pk: object, tax_pk: object, **line: str
) -> dict[str, object]:
    data: dict[str, object] = {
        "supplier": supplier_pk,
        "order_date": "2026-12-01",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Sub-hired console",
        "lines-0-quantity": "1",
        "lines-0-unit_cost": "300.00",
        "lines-0-expense_category": expense_pk,
        "lines-0-tax_category": tax_pk,
    }
    data.update({f"lines-0-{name}": value for name, value in line.items()})
    return data


def test_manager_creates_and_approves_an_order(tenants: Tenants) -> None:
    supplier = make_supplier(tenants.alpha)
    expense = ExpenseCategory.objects.create(organisation=tenants.alpha, name="Sub-hire")
    tax = factories.make_tax(tenants.alpha)
    client = client_for(tenants.manager)
    response = client.post(NEW, _form(supplier.pk, expense.pk, tax.pk))
    order = PurchaseOrder.objects.get(organisation=tenants.alpha)
    assert response.status_code == 302 and response["Location"] == detail(order)
    assert order.total == Decimal("360.00")
    page = client.get(detail(order)).content.decode()
    assert "Approve" in page and "Sub-hired console" in page
    client.post(detail(order, "approve"))
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.APPROVED
    assert "Mark received" in client.get(detail(order)).content.decode()


def test_bad_input_gets_field_errors_not_a_500(tenants: Tenants) -> None:
    supplier = make_supplier(tenants.alpha)
    foreign = ExpenseCategory.objects.create(organisation=tenants.bravo, name="Theirs")
    tax = factories.make_tax(tenants.alpha)
    response = client_for(tenants.owner).post(
        NEW, _form(supplier.pk, foreign.pk, tax.pk, unit_cost="1e400", quantity="abc")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "Enter a number" in body
    assert not PurchaseOrder.objects.exists()


def test_a_plain_customer_is_not_offered_as_supplier(tenants: Tenants) -> None:
    factories.make_customer(tenants.alpha, name="Only A Customer")
    make_supplier(tenants.alpha, name="Real Supplier")
    body = client_for(tenants.owner).get(NEW).content.decode()
    assert "Real Supplier" in body and "Only A Customer" not in body


def test_bookkeeper_cannot_approve(tenants: Tenants) -> None:
    order = make_order(tenants.alpha)
    assert client_for(tenants.bookkeeper).post(detail(order, "approve")).status_code == 403
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.DRAFT
