"""Products and services: what invoice lines sell. Rental charges are usually services.

Both need a `description` and, on create, a `sales_ledger_account_id`. Services carry
their price in `sales_rates[]` (rate), products in `sales_prices[]` (price); the sandbox
keeps one selling price. `item_code` is unique among a business's live items of a kind.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse, QueryDict

from sandbox.sage.accounting import lookups
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.reference import ledger_account_link, tax_rate_link
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.accounting.wire import Json, amount, link, timestamp
from sandbox.sage.models import SageItem, SageLedgerAccount, SageTaxRate

Kind = SageItem.Kind
COLLECTION = {Kind.SERVICE: "services", Kind.PRODUCT: "products"}


def item_link(row: SageItem) -> Json:
    return link(COLLECTION[Kind(row.kind)], row.guid, row.description)


def render(row: SageItem) -> Json:
    body = item_link(row) | {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
        "deleted_at": timestamp(row.deleted_at),
        "item_code": row.item_code or None,
        "description": row.description,
        "notes": row.notes or None,
        "sales_ledger_account": ledger_account_link(row.sales_ledger_account),
        "sales_tax_rate": tax_rate_link(row.sales_tax_rate),
        "active": row.active,
        "deletable": True,
        "catalog_item_type": link("catalog_item_types", row.kind.upper(), row.kind.title()),
    }
    price_id = f"{row.guid[:24]}00000001"
    if row.kind == Kind.SERVICE:
        body["sales_rates"] = [
            {
                "id": price_id,
                "displayed_as": "Rate",
                "rate_name": "Rate",
                "rate": amount(row.price),
                "rate_includes_tax": row.price_includes_tax,
            }
        ]
    else:
        body["sales_prices"] = [
            {
                "id": price_id,
                "displayed_as": "Selling Price",
                "price_name": "Selling Price",
                "price": amount(row.price),
                "price_includes_tax": row.price_includes_tax,
            }
        ]
        body["cost_price"] = 0.0
    return body


def _creator(kind: str) -> Any:
    def create(books: Books, payload: Json) -> SageItem:
        row = SageItem(business=books.business, kind=kind, created_at=books.now)
        _apply(books, row, payload, creating=True)
        row.updated_at = books.now
        row.save()
        return row

    return create


def update(books: Books, row: SageItem, payload: Json) -> SageItem:
    _apply(books, row, payload, creating=False)
    row.updated_at = books.now
    row.save()
    return row


def _apply(books: Books, row: SageItem, payload: Json, *, creating: bool) -> None:
    description = lookups.text(payload, "description", required=creating)
    if description is not None:
        row.description = description
    code = lookups.text(payload, "item_code", limit=50)
    if code is not None:
        _unique_code(books, row, code)
        row.item_code = code
    notes = lookups.text(payload, "notes", limit=4000)
    if notes is not None:
        row.notes = notes
    account = lookups.record(
        SageLedgerAccount, books, payload, "sales_ledger_account_id", required=creating
    )
    if account is not None:
        row.sales_ledger_account = account
    if "sales_tax_rate_id" in payload:
        row.sales_tax_rate = lookups.record(SageTaxRate, books, payload, "sales_tax_rate_id")
    active = lookups.flag(payload, "active")
    if active is not None:
        row.active = active
    _apply_price(row, payload)


def _apply_price(row: SageItem, payload: Json) -> None:
    field, name, includes = (
        ("sales_rates", "rate", "rate_includes_tax")
        if row.kind == Kind.SERVICE
        else ("sales_prices", "price", "price_includes_tax")
    )
    prices = payload.get(field)
    if prices is None:
        return
    if not isinstance(prices, list) or not prices or not isinstance(prices[0], dict):
        raise Invalid(("must be a list of prices", field))
    price = lookups.decimal(prices[0], name, source=f"{field}.{name}", required=True)
    assert price is not None  # noqa: S101 - required=True guarantees it
    row.price = price
    row.price_includes_tax = bool(prices[0].get(includes, False))


def _unique_code(books: Books, row: SageItem, code: str) -> None:
    if not code:
        return
    taken = SageItem.objects.filter(
        business=books.business, kind=row.kind, item_code__iexact=code, deleted_at__isnull=True
    ).exclude(pk=row.pk)
    if taken.exists():
        raise Invalid(("has already been taken", "item_code"))


def delete(books: Books, row: SageItem, query: QueryDict) -> HttpResponse:
    row.deleted_at = books.now
    row.updated_at = books.now
    row.save(update_fields=["deleted_at", "updated_at"])
    return HttpResponse(status=204)


def filters(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    search = query.get("search", "").strip()
    if search:
        rows = rows.filter(Q(item_code__icontains=search) | Q(description__icontains=search))
    active = query.get("active", "").lower()
    if active in ("true", "false"):
        rows = rows.filter(active=active == "true")
    return rows


def _rows(kind: str) -> Any:
    def rows(books: Books) -> QuerySet[SageItem]:
        found = SageItem.objects.filter(business=books.business, kind=kind)
        return found.select_related("sales_ledger_account", "sales_tax_rate")

    return rows


SERVICES = register(
    Resource(
        name="services",
        singular="service",
        rows=_rows(Kind.SERVICE),
        render=render,
        create=_creator(Kind.SERVICE),
        update=update,
        delete=delete,
        filters=filters,
    )
)
PRODUCTS = register(
    Resource(
        name="products",
        singular="product",
        rows=_rows(Kind.PRODUCT),
        render=render,
        create=_creator(Kind.PRODUCT),
        update=update,
        delete=delete,
        filters=filters,
    )
)
