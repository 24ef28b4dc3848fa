"""The console's purchasing panel: a company's vendors and purchase orders, and the
bookkeeper deleting a purchase order (as in QuickBooks' web app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox.core.console import Action, ActionFailed
from sandbox.quickbooks import books
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.views.books import SHOWN, chosen_company


def _newest(rows: list[QboEntity]) -> list[QboEntity]:
    return sorted(rows, key=lambda row: -row.seq)[:SHOWN]


def context(request: HttpRequest) -> dict[str, Any]:
    company = chosen_company(request)
    if company is None:
        return {}
    return {
        "books_vendors": _newest(books.vendors_of(company.realm_id)),
        "books_purchase_orders": _newest(books.purchase_orders_of(company.realm_id)),
    }


def delete_purchase_order(request: HttpRequest) -> str:
    company = chosen_company(request)
    if company is None:
        raise ActionFailed("No company to work in: nothing was changed.")
    wanted = request.POST.get("purchase_order", "")
    try:
        deleted = books.delete_purchase_order(company.realm_id, wanted)
    except QboEntity.DoesNotExist as missing:
        raise ActionFailed(
            "That purchase order no longer exists: nothing was changed."
        ) from missing
    return f"Purchase order {deleted.data.get('DocNumber')} deleted."


ACTIONS: dict[str, Action] = {"purchaseorder-delete": delete_purchase_order}
