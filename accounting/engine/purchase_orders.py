"""Pushing sub-hire purchase orders (and, where the ledger keeps them apart, their
suppliers as vendors) with the same plan/push machinery as invoices.

An order goes once it is approved (and stays in sync as it is received and billed).
Each line is booked to the expense account its expense category maps to; an order with
a line whose category is not mapped is not sent, and its link and the run say which
category to map. That blocks purchase orders only: invoices and the rest sync as ever.
"""

from __future__ import annotations

from collections.abc import Sequence

from accounting.engine import due, push, records, reviews
from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.models import Entity
from integrations.models import SyncRun
from operations import money
from operations.models import Customer, PurchaseOrder

SENT_STATUSES = (
    PurchaseOrder.Status.APPROVED,
    PurchaseOrder.Status.RECEIVED,
    PurchaseOrder.Status.BILLED,
)


def supplier_entity(adapter: AccountingAdapter) -> str:
    """What a purchase order's supplier is linked as in this ledger."""
    return Entity.VENDOR if adapter.vendors_apart else Entity.CUSTOMER


def needs(adapter: AccountingAdapter, context: str) -> list[due.Need]:
    """This phase's windows: vendors where kept apart, then orders waiting on them."""
    if not adapter.pushes_purchase_orders:
        return []
    orders = due.Need(Entity.PURCHASE_ORDER, context, ("supplier_id", supplier_entity(adapter)))
    return [due.Need(Entity.VENDOR, context), orders] if adapter.vendors_apart else [orders]


def push_vendors(run: SyncRun, adapter: AccountingAdapter, windows: due.Windows) -> None:
    """Suppliers as the ledger's vendors (ledgers with ``vendors_apart`` only)."""
    connection = run.connection
    window = windows.take(Entity.VENDOR)
    if not window.quiet:
        suppliers = Customer.objects.filter(organisation_id=connection.organisation_id)
        rows = window.rows(records.of_entity(suppliers, connection).filter(is_supplier=True))
        payloads = [(s.pk, adapter.vendor_payload(s)) for s in rows.order_by("pk")]
        push.push(run, adapter, Entity.VENDOR, payloads)
    windows.went_through(window)


def _orders(window: due.Window) -> list[PurchaseOrder]:
    connection = window.connection
    rows = PurchaseOrder.objects.filter(
        organisation_id=connection.organisation_id, status__in=SENT_STATUSES
    )
    if connection.legal_entity_id is not None:  # an order belongs to its supplier's entity
        rows = rows.filter(supplier__legal_entity_id=connection.legal_entity_id)
    return list(
        window.rows(rows)
        .select_related("supplier")
        .prefetch_related("lines__tax_category", "lines__expense_category", "lines__item")
        .order_by("pk")
    )


def unmapped_reason(order: PurchaseOrder, mappings: Mappings) -> str | None:
    """Why the order can't go yet: an expense category with no account mapped."""
    names = sorted(
        {
            line.expense_category.name
            for line in order.lines.all()
            if not mappings.expense.get(line.expense_category_id)
        }
    )
    if not names:
        return None
    listed = ", ".join(names)
    return (
        f"Purchase order {order.number} waits: map the expense "
        f"categor{'y' if len(names) == 1 else 'ies'} {listed} to an expense account on the "
        "mappings page, then sync again."
    )


def _ready(
    run: SyncRun, adapter: AccountingAdapter, mappings: Mappings, orders: Sequence[PurchaseOrder]
) -> list[tuple[PurchaseOrder, str]]:
    """Orders that can go now, each with its supplier's remote id. Unmapped or
    oversized ones are refused with their reason; those whose supplier is not linked yet
    wait (the supplier's own push says why) and are read again next time."""
    fitting = []
    for order in orders:
        nets = (money.net_of(line.quantity, line.unit_cost) for line in order.lines.all())
        reason = unmapped_reason(order, mappings) or money.ledger_refusal(
            "Purchase order", order.number, order.total, nets
        )
        if reason is None:
            fitting.append(order)
        else:
            reviews.refuse_unsent(run, Entity.PURCHASE_ORDER, order.pk, reason)
    suppliers = push.linked_remote_ids(
        run.connection, supplier_entity(adapter), [o.supplier_id for o in fitting]
    )
    return [(o, suppliers[o.supplier_id]) for o in fitting if o.supplier_id in suppliers]


def push_purchase_orders(
    run: SyncRun, adapter: AccountingAdapter, mappings: Mappings, windows: due.Windows
) -> None:
    if not adapter.pushes_purchase_orders:
        return  # the ledger keeps no purchase orders (Sage): they stay in Patchbay
    if adapter.vendors_apart:
        push_vendors(run, adapter, windows)
    # An order waits on its supplier's link, as an invoice on its customer's (needs).
    window = windows.take(Entity.PURCHASE_ORDER)
    if not window.quiet:
        ready = _ready(run, adapter, mappings, _orders(window))
        payloads = [
            (order.pk, adapter.purchase_order_payload(order, mappings, supplier))
            for order, supplier in ready
        ]
        push.push(run, adapter, Entity.PURCHASE_ORDER, payloads)
    windows.went_through(window)
