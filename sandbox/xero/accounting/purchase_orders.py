"""Purchase orders: GET/PUT/POST /PurchaseOrders, GET/POST /PurchaseOrders/{PurchaseOrderID
or PurchaseOrderNumber}.

Lists filter by Status and If-Modified-Since and page like invoices; deleted orders stay
listed (that is how a client learns of them). Statuses: DRAFT, SUBMITTED, AUTHORISED,
BILLED, DELETED. An order is numbered PO-0001 when sent without a number; a BILLED or
DELETED one can no longer be changed, and any other may be DELETED (Xero has no VOIDED
purchase order). Lines are purchase lines: an item's purchase account and tax type.
https://developer.xero.com/documentation/api/accounting/purchaseorders
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, contacts, lines, listing
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import day_string, ms, ms_day, today
from sandbox.xero.accounting.invoices import embedded_contact, line_item
from sandbox.xero.accounting.models.documents import LineAmountTypes
from sandbox.xero.accounting.models.purchase_orders import (
    PurchaseOrderStatus,
    XeroPurchaseOrder,
    XeroPurchaseOrderLine,
)
from sandbox.xero.accounting.money import number
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json, ok

Status = PurchaseOrderStatus
ZERO_ID = "00000000-0000-0000-0000-000000000000"
ORDER = {"UpdatedDateUTC": "updated_at", "Date": "date", "Status": "status"}
ORDER |= {"PurchaseOrderNumber": "purchase_order_number", "Total": "total"}
PREFIX = "PO"
FINAL = frozenset({Status.BILLED, Status.DELETED})
NOT_FOUND = "An existing Purchase Order with the specified PurchaseOrderID could not be found"
NO_CONTACT = "A Contact must be specified for this type of transaction"


# --- rendering -------------------------------------------------------------------------


def render(order: XeroPurchaseOrder, found: list[XeroPurchaseOrderLine] | None) -> Json:
    body: Json = {
        "PurchaseOrderID": str(order.purchase_order_id) if order.pk else ZERO_ID,
        "PurchaseOrderNumber": order.purchase_order_number,
        "Reference": order.reference,
        "SentToContact": order.sent_to_contact,
        "CurrencyRate": 1,
        "HasAttachments": False,
        "DateString": day_string(order.date),
        "Date": ms_day(order.date),
    }
    body |= embedded_contact(order)
    if order.delivery_date:
        body["DeliveryDate"] = ms_day(order.delivery_date)
        body["DeliveryDateString"] = day_string(order.delivery_date)
    if order.delivery_instructions:
        body["DeliveryInstructions"] = order.delivery_instructions
    body |= {"Status": order.status, "LineAmountTypes": order.line_amount_types}
    if found is not None:
        body["LineItems"] = [line_item(line) for line in found]
    body |= {
        "SubTotal": number(order.sub_total),
        "TotalTax": number(order.total_tax),
        "Total": number(order.total),
        "TotalDiscount": 0,
        "UpdatedDateUTC": ms(order.updated_at),
        "CurrencyCode": order.currency_code,
    }
    return body


# --- writing ---------------------------------------------------------------------------


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    reader = Reader(raw)
    order, current = _target(books, reader, mode, target)
    old_status = order.status if order.pk else None
    before = _state(order, current)
    _read_header(books, reader, order)
    line_readers = reader.objects("LineItems")
    new_lines = (
        current
        if line_readers is None
        else lines.read_lines(books, line_readers, current, XeroPurchaseOrderLine, False)
    )
    totals = lines.compute(books, new_lines, order.line_amount_types)
    order.sub_total, order.total_tax, order.total = totals.sub_total, totals.total_tax, totals.total
    changed = _state(order, new_lines) != before
    errors = reader.errors + _status_problems(old_status, order.status, changed)
    errors += lines.line_problems(books, new_lines)
    if order.currency_code != books.organisation.base_currency:
        errors.append(f"Organisation is not subscribed to currency {order.currency_code}")
    if errors:
        raise Invalid(errors, render(order, new_lines))
    if order.pk is None or changed:
        _save(books, order, new_lines)
    return render(order, new_lines)


KIND = batch.Kind("PurchaseOrders", write, None)


def _target(
    books: Books, reader: Reader, mode: Mode, target: str | None
) -> tuple[XeroPurchaseOrder, list[XeroPurchaseOrderLine]]:
    wanted = target or reader.raw.get("PurchaseOrderID")
    if wanted:
        found = find(books, str(wanted))
        if found is None:
            raise Invalid([NOT_FOUND], render(_new(books), []))
        if mode is Mode.CREATE and target is None:
            message = f"Purchase order {wanted} already exists: PUT only creates, POST updates."
            raise Invalid([message], render(found, None))
        return found, list(found.lines.all())
    return _new(books), []


def find(books: Books, ref: str) -> XeroPurchaseOrder | None:
    """By ID, or else by number (Xero accepts either in the URL)."""
    rows = XeroPurchaseOrder.objects.filter(organisation=books.organisation)
    try:
        return rows.filter(purchase_order_id=uuid.UUID(ref)).first()
    except ValueError:
        return rows.filter(purchase_order_number=ref).exclude(status=Status.DELETED).first()


def _new(books: Books) -> XeroPurchaseOrder:
    order = XeroPurchaseOrder(organisation=books.organisation, date=today(), updated_at=books.now)
    order.currency_code = books.organisation.base_currency
    order.created_by = books.client_id
    return order


def _read_header(books: Books, reader: Reader, order: XeroPurchaseOrder) -> None:
    contact = contacts.for_document(books, reader.obj("Contact"))
    if contact is not None:
        order.contact = contact
    elif order.pk is None and not reader.has("Contact"):
        reader.errors.append(NO_CONTACT)
    for key, attribute, limit in (
        ("Reference", "reference", 255),
        ("PurchaseOrderNumber", "purchase_order_number", 255),
        ("DeliveryInstructions", "delivery_instructions", 500),
    ):
        value = reader.text(key, limit)
        if value is not None:
            setattr(order, attribute, value)
    for key, attribute in (("Date", "date"), ("DeliveryDate", "delivery_date")):
        day = reader.day(key)
        if day is not None:
            setattr(order, attribute, day)
    amount_types = reader.choice("LineAmountTypes", [choice.value for choice in LineAmountTypes])
    order.line_amount_types = amount_types or order.line_amount_types
    currency = reader.text("CurrencyCode", 3)
    order.currency_code = currency.upper() if currency else order.currency_code
    order.status = reader.choice("Status", [choice.value for choice in Status]) or order.status
    sent = reader.flag("SentToContact")
    order.sent_to_contact = order.sent_to_contact if sent is None else sent


def _status_problems(old: str | None, new: str, changed: bool) -> list[str]:
    if old is None:
        return [] if new not in FINAL else [f"A new purchase order cannot have status {new}."]
    if changed and old in FINAL:
        return [f"This purchase order cannot be edited as it has been {old.lower()}."]
    return []


def _save(books: Books, order: XeroPurchaseOrder, found: list[XeroPurchaseOrderLine]) -> None:
    if order.contact.pk is None:
        order.contact.save()
        order.contact = order.contact
    if not order.purchase_order_number:
        order.purchase_order_number = _next_number(books)
    order.updated_at = books.now
    order.save()
    kept = [line.pk for line in found if line.pk is not None]
    XeroPurchaseOrderLine.objects.filter(purchase_order=order).exclude(pk__in=kept).delete()
    for line in found:
        line.purchase_order = order
    XeroPurchaseOrderLine.objects.bulk_create([line for line in found if line.pk is None])
    changed = [line for line in found if line.pk is not None]
    if changed:
        fields = ["description", "quantity", "unit_amount", "item_code", "account_code"]
        fields += ["tax_type", "discount_rate", "position", "tax_amount", "line_amount"]
        XeroPurchaseOrderLine.objects.bulk_update(changed, fields)


def _next_number(books: Books) -> str:
    if PREFIX not in books.highest_numbers:
        rows = XeroPurchaseOrder.objects.filter(
            organisation=books.organisation, purchase_order_number__regex=r"^PO-[0-9]{1,15}$"
        )
        top = Max(Cast(Substr("purchase_order_number", 4), BigIntegerField()))
        books.highest_numbers[PREFIX] = rows.aggregate(top=top)["top"] or 0
    books.highest_numbers[PREFIX] += 1
    return f"{PREFIX}-{books.highest_numbers[PREFIX]:04d}"


def _state(order: XeroPurchaseOrder, found: list[XeroPurchaseOrderLine]) -> tuple[Any, ...]:
    header: tuple[str, ...] = ("contact_id", "reference", "purchase_order_number", "date")
    header += ("delivery_date", "delivery_instructions", "status", "line_amount_types")
    header += ("currency_code",)
    line_fields: tuple[str, ...] = ("line_item_id", "description", "quantity", "unit_amount")
    line_fields += ("item_code", "account_code", "tax_type", "discount_rate")
    return (
        tuple(_plain(getattr(order, name, None)) for name in header),
        tuple(tuple(_plain(getattr(line, name)) for name in line_fields) for line in found),
    )


def _plain(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


# --- reading ---------------------------------------------------------------------------


def _rows(books: Books) -> QuerySet[XeroPurchaseOrder]:
    rows = XeroPurchaseOrder.objects.filter(organisation=books.organisation)
    return rows.select_related("contact").prefetch_related("lines")


def list_purchase_orders(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("pk",))
    rows = listing.modified_since(_rows(books), found.since)
    wanted = found.text("Status").upper()
    if wanted:
        if wanted not in Status.values:
            return problems.bad_request(f"Status must be one of {', '.join(Status.values)}")
        rows = rows.filter(status=wanted)
    rows = rows.order_by(*found.order)
    items, pagination = listing.page(rows, found, lambda row: render(row, list(row.lines.all())))
    return ok("PurchaseOrders", items, pagination)


def get_purchase_order(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    order = find(books, ref)
    if order is None:
        return problems.not_found()
    order = _rows(books).get(pk=order.pk)
    return ok("PurchaseOrders", [render(order, list(order.lines.all()))])
