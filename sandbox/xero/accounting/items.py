"""Items: GET/PUT/POST /Items, GET/POST/DELETE /Items/{ItemID or Code}.

Codes are required (at most 30 characters) and unique; POST with a known Code updates
that item. DELETE removes the item for good (no status, no tombstone), so a client finds
deleted items only by comparing full lists. Items are never paged.
https://developer.xero.com/documentation/api/accounting/items
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, listing, lookups
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import ms
from sandbox.xero.accounting.models import XeroItem
from sandbox.xero.accounting.money import number, units
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json, ok

ZERO_ID = uuid.UUID(int=0)
ORDER = {"Code": "code", "Name": "name", "UpdatedDateUTC": "updated_at", "ItemID": "item_id"}
NOT_FOUND = "An existing Item with the specified ItemID could not be found"
CODE_REQUIRED = "Item Code is required."
SIDES = {"SalesDetails": "sales", "PurchaseDetails": "purchase"}


def list_items(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("code", "pk"))
    rows = XeroItem.objects.filter(organisation=books.organisation).order_by(*found.order)
    rows = listing.modified_since(rows, found.since)
    whole = listing.Query(
        found.since, None, found.page_size, found.order, found.where, found.params
    )
    items, _ = listing.page(rows, whole, render)
    return ok("Items", items)


def get_item(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    item = find(books, ref)
    return problems.not_found() if item is None else ok("Items", [render(item)])


def delete_item(books: Books, ref: str) -> HttpResponse:
    item = find(books, ref)
    if item is None:
        return problems.not_found()
    item.delete()
    return HttpResponse(status=204)


def find(books: Books, ref: str) -> XeroItem | None:
    """By ItemID, or else by Code."""
    rows = XeroItem.objects.filter(organisation=books.organisation)
    try:
        return rows.filter(item_id=uuid.UUID(ref)).first()
    except ValueError:
        return rows.filter(code__iexact=ref).first() if ref else None


def render(item: XeroItem) -> Json:
    body: Json = {
        "ItemID": str(item.item_id if item.pk else ZERO_ID),
        "Code": item.code,
        "Name": item.name,
        "Description": item.description,
        "IsSold": item.is_sold,
        "IsPurchased": item.is_purchased,
        "IsTrackedAsInventory": False,
        "SalesDetails": _details(item, "sales"),
        "PurchaseDetails": _details(item, "purchase"),
        "UpdatedDateUTC": ms(item.updated_at),
    }
    if item.purchase_description:
        body["PurchaseDescription"] = item.purchase_description
    return body


def _details(item: XeroItem, side: str) -> Json:
    body: Json = {}
    price = getattr(item, f"{side}_unit_price")
    if price is not None:
        body["UnitPrice"] = number(price)
    for key, attribute in (("AccountCode", "account_code"), ("TaxType", "tax_type")):
        if getattr(item, f"{side}_{attribute}"):
            body[key] = getattr(item, f"{side}_{attribute}")
    return body


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    reader = Reader(raw)
    item = _target(books, reader, mode, target)
    before = render(item)
    _apply(books, reader, item)
    errors = reader.errors + _problems(books, item, reader)
    if errors:
        raise Invalid(errors, render(item))
    if item.pk is None or render(item) != before:
        item.updated_at = books.now
        item.save()
    return render(item)


KIND = batch.Kind("Items", write, None)


def _target(books: Books, reader: Reader, mode: Mode, target: str | None) -> XeroItem:
    if target is not None:
        return _existing(books, find(books, target))
    wanted = reader.ident("ItemID")
    if wanted is not None:
        found = XeroItem.objects.filter(organisation=books.organisation, item_id=wanted).first()
        return _existing(books, found)
    code = reader.raw.get("Code")
    known = find(books, code) if isinstance(code, str) and code and mode is Mode.UPSERT else None
    return known or XeroItem(organisation=books.organisation, updated_at=books.now)


def _existing(books: Books, item: XeroItem | None) -> XeroItem:
    if item is None:
        raise Invalid([NOT_FOUND], render(XeroItem(organisation=books.organisation)))
    return item


def _apply(books: Books, reader: Reader, item: XeroItem) -> None:
    for key, attribute, limit in (
        ("Code", "code", 30),
        ("Name", "name", 50),
        ("Description", "description", 4000),
        ("PurchaseDescription", "purchase_description", 4000),
    ):
        value = reader.text(key, limit, label=f"Item {key}")
        if value is not None:
            setattr(item, attribute, value)
    for key, attribute in (("IsSold", "is_sold"), ("IsPurchased", "is_purchased")):
        flag = reader.flag(key)
        if flag is not None:
            setattr(item, attribute, flag)
    for key, side in SIDES.items():
        details = reader.obj(key)
        if details is not None:
            _apply_side(books, details, item, side)


def _apply_side(books: Books, details: Reader, item: XeroItem, side: str) -> None:
    price = details.decimal("UnitPrice")
    if price is not None:
        setattr(item, f"{side}_unit_price", units(price, books.unitdp))
    code = details.text("AccountCode")
    if code is not None:
        setattr(item, f"{side}_account_code", code)
    tax = details.text("TaxType")
    if tax is not None:
        setattr(item, f"{side}_tax_type", tax.upper())


def _problems(books: Books, item: XeroItem, reader: Reader) -> list[str]:
    if not item.code:
        # A code that was sent but refused (too long) has its own message already.
        return (
            [] if any(error.startswith("Item Code") for error in reader.errors) else [CODE_REQUIRED]
        )
    found: list[str] = []
    others = XeroItem.objects.filter(organisation=books.organisation, code__iexact=item.code)
    if others.exclude(pk=item.pk).exists() if item.pk else others.exists():
        found.append(f"Price List Item with Code ''{item.code}'' already exists")
    for side in SIDES.values():
        found += lookups.account_problems(books, getattr(item, f"{side}_account_code"))
        found += lookups.tax_problems(books, getattr(item, f"{side}_tax_type"), None)
    return found
