"""The console's purchase orders: an organisation's orders, and the bookkeeper deleting
one in Xero (purchase orders have no VOIDED status: deleting is how one is withdrawn)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox.core.console import Action, ActionFailed
from sandbox.xero import books
from sandbox.xero.accounting.models import XeroPurchaseOrder
from sandbox.xero.views.books import SHOWN, chosen_tenant


def context(request: HttpRequest) -> dict[str, Any]:
    tenant = chosen_tenant(request)
    if tenant is None:
        return {}
    return {"books_purchase_orders": books.purchase_orders_of(tenant.tenant_id)[:SHOWN]}


def delete_purchase_order(request: HttpRequest) -> str:
    tenant = chosen_tenant(request)
    if tenant is None:
        raise ActionFailed("No organisation to work in: nothing was changed.")
    try:
        deleted = books.delete_purchase_order(
            tenant.tenant_id, request.POST.get("purchase_order", "")
        )
    except (XeroPurchaseOrder.DoesNotExist, ValueError) as missing:
        gone = "That purchase order no longer exists: nothing was changed."
        raise ActionFailed(gone) from missing
    return f"Purchase order {deleted.purchase_order_number} deleted."


ACTIONS: dict[str, Action] = {"purchaseorder-delete": delete_purchase_order}
