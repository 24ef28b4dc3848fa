"""A record as JSON: what the REST API answers and what a webhook event carries as ``data``.

Both sides show the same representation, so it lives here, below both: ``api/`` and
``webhooks/`` are siblings that never import each other. Plain functions of the models,
no DRF: the API's serializers still declare their fields (the OpenAPI schema, and parsing
input) and hand their output to these functions; tests/api/test_representations.py
holds each serializer's fields and its function's keys to the same list.

Values are written exactly as DRF wrote them before, because clients parse them: a
moment in ISO 8601 in the current time zone (``Z`` for UTC), a day as ``YYYY-MM-DD``, an
amount as a string with its column's decimal places, a related record as its id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, getcontext
from typing import Any

from django.db.models import Model
from django.utils import timezone

from operations import models as ops
from operations import money

Json = dict[str, Any]
Named = ops.EquipmentItem | ops.EquipmentCategory


def moment(value: datetime | None) -> str | None:
    """An aware datetime (USE_TZ) in the current time zone; a naive one is a bug, refused."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def decimal_text(value: Decimal, digits: int, places: int) -> str:
    """``value`` with ``places`` decimals, in a column of ``digits`` digits.

    A row holding more digits than its column (saved before money was bounded, on
    SQLite) is shown whole rather than refused.
    """
    if not isinstance(value, Decimal):
        value = Decimal(str(value).strip())
    context = getcontext().copy()
    context.prec = digits
    try:
        quantized = value.quantize(Decimal(".1") ** places, context=context)
    except InvalidOperation:
        quantized = Decimal(money.shown(value).replace(",", ""))
    return f"{quantized:f}"


def amount(value: Decimal) -> str:
    return decimal_text(value, money.MONEY_DIGITS, money.MONEY_PLACES)


def quantity(value: Decimal) -> str:
    return decimal_text(value, money.QUANTITY_DIGITS, money.QUANTITY_PLACES)


def reference(record: Named) -> Json:
    """A related record shown by name as well as id."""
    return {"id": record.pk, "name": record.name}


def customer(record: ops.Customer) -> Json:
    return {
        "id": record.pk,
        "name": record.name,
        "email": record.email,
        "billing_address": record.billing_address,
        "currency": record.currency,
        "tax_number": record.tax_number,
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


def project(record: ops.Project) -> Json:
    return {
        "id": record.pk,
        "name": record.name,
        "client": record.client_id,
        "venue": record.venue,
        "starts_at": moment(record.starts_at),
        "ends_at": moment(record.ends_at),
        "notes": record.notes,
        "status": str(record.status),
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


def booking(record: ops.Booking) -> Json:
    return {
        "id": record.pk,
        "item": reference(record.item),
        "project": record.project_id,
        "quantity": record.quantity,
        "starts_on": day(record.starts_on),
        "ends_on": day(record.ends_on),
        "checked_out_at": moment(record.checked_out_at),
        "returned_at": moment(record.returned_at),
        "updated_at": moment(record.updated_at),
    }


def line(record: ops.DocumentLine) -> Json:
    return {
        "description": record.description,
        "item": record.item_id,
        "quantity": quantity(record.quantity),
        "unit_price": amount(record.unit_price),
        "tax_category": record.tax_category_id,
        "income_category": record.income_category_id,
        "net_amount": amount(record.net_amount),
        "tax_amount": amount(record.tax_amount),
    }


def quote(record: ops.Quote) -> Json:
    return {
        "id": record.pk,
        "number": record.number,
        "customer": record.customer_id,
        "project": record.project_id,
        "currency": record.currency,
        "issue_date": day(record.issue_date),
        "expiry_date": day(record.expiry_date),
        "status": str(record.status),
        "total": amount(record.total),
        "lines": [line(row) for row in record.lines.all()],
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


def invoice(record: ops.Invoice) -> Json:
    return {
        "id": record.pk,
        "number": record.number,
        "customer": record.customer_id,
        "project": record.project_id,
        "currency": record.currency,
        "issue_date": day(record.issue_date),
        "due_date": day(record.due_date),
        "status": str(record.status),
        "total": amount(record.total),
        "amount_due": amount(record.amount_due),
        "lines": [line(row) for row in record.lines.all()],
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


def payment(record: ops.Payment) -> Json:
    return {
        "id": record.pk,
        "invoice": record.invoice_id,
        "amount": amount(record.amount),
        "paid_on": day(record.paid_on),
        "reference": record.reference,
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


# The records an event can carry, each with its representation.
BY_MODEL: dict[type[Model], Callable[[Any], Json]] = {
    ops.Customer: customer,
    ops.Project: project,
    ops.Booking: booking,
    ops.Quote: quote,
    ops.Invoice: invoice,
    ops.Payment: payment,
}


def of(record: Model) -> Json:
    return BY_MODEL[type(record)](record)
