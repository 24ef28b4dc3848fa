"""Sub-hire purchase orders: the one place they are created and change status.

Like ``operations.services`` for sales documents, views and commands call these and
never set a number, status or total themselves. Saving an order bumps its
``updated_at``, which is what marks it due for the accounting push.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from operations import money, services
from operations.models import (
    Booking,
    Customer,
    EquipmentItem,
    ExpenseCategory,
    Project,
    PurchaseOrder,
    PurchaseOrderLine,
    TaxCategory,
)
from operations.services import OperationError
from tenancy.models import Organisation

PREFIX = "PO-"
Status = PurchaseOrder.Status

# Each status a person may move an order to, from the one before it.
NEXT: dict[str, str] = {
    Status.DRAFT: Status.APPROVED,
    Status.APPROVED: Status.RECEIVED,
    Status.RECEIVED: Status.BILLED,
}


@dataclass(frozen=True)
class OrderLine:
    """One costed line as a person entered it."""

    unit_cost: Decimal
    expense_category: ExpenseCategory
    tax_category: TaxCategory
    quantity: Decimal = Decimal("1")
    description: str = ""
    item: EquipmentItem | None = None


def _rows(organisation: Organisation, lines: Sequence[OrderLine]) -> list[PurchaseOrderLine]:
    if not lines:
        raise OperationError("Add at least one line to the purchase order.")
    rows = []
    for line in lines:
        services.check_same_organisation(
            organisation, line.item, line.expense_category, line.tax_category
        )
        if not (line.description or line.item):
            raise OperationError("Each line needs a description or an item.", field="description")
        try:
            money.check_line(line.quantity, line.unit_cost, line.tax_category.rate)
        except money.OutOfBounds as error:
            field = "unit_cost" if error.field == "unit_price" else error.field
            raise OperationError(error.message, field=field) from None
        rows.append(
            PurchaseOrderLine(
                organisation=organisation,
                item=line.item,
                description=line.description,
                quantity=line.quantity,
                unit_cost=line.unit_cost,
                expense_category=line.expense_category,
                tax_category=line.tax_category,
            )
        )
    return rows


def total_of(lines: Sequence[PurchaseOrderLine]) -> money.LineAmounts:
    return money.total_of(line.amounts for line in lines)


@transaction.atomic
def create_purchase_order(
    supplier: Customer,
    lines: Sequence[OrderLine],
    *,
    booking: Booking | None = None,
    project: Project | None = None,
    order_date: date | None = None,
    delivery_date: date | None = None,
    notes: str = "",
) -> PurchaseOrder:
    organisation = supplier.organisation
    services.check_same_organisation(organisation, booking, project)
    if not supplier.is_supplier:
        raise OperationError(f"{supplier} is not marked as a supplier.", field="supplier")
    if order_date and delivery_date and delivery_date < order_date:
        raise OperationError(
            "The delivery date cannot be before the order date.", field="delivery_date"
        )
    rows = _rows(organisation, lines)
    total = money.total_of(row.amounts for row in rows).gross
    try:
        money.check_total(total, "purchase order")
    except money.OutOfBounds as error:
        raise OperationError(error.message) from None
    order = PurchaseOrder(
        organisation=organisation,
        number=services.next_number(organisation.pk, PurchaseOrder, PREFIX),
        supplier=supplier,
        booking=booking,
        project=project,
        currency=supplier.currency,
        delivery_date=delivery_date,
        notes=notes,
        total=total,
    )
    if order_date is not None:
        order.order_date = order_date
    order.save()
    for row in rows:
        row.purchase_order = order
    PurchaseOrderLine.objects.bulk_create(rows)
    return order


@transaction.atomic
def advance(order: PurchaseOrder, to: str) -> PurchaseOrder:
    """Move the order one step on (approve, mark received, mark billed)."""
    try:
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    except PurchaseOrder.DoesNotExist:
        raise OperationError("This purchase order no longer exists.") from None
    if NEXT.get(locked.status) != to:
        raise OperationError(
            f"Purchase order {locked.number} is {locked.get_status_display()}: it cannot be "
            f"marked {Status(to).label.lower()} now."
        )
    if to == Status.APPROVED and not locked.lines.exists():
        raise OperationError(f"Purchase order {locked.number} has no lines to approve.")
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    return locked
