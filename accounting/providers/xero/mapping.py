"""Patchbay records <-> Xero JSON. Field names follow Xero's accounting OpenAPI spec."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounting.engine.adapter import IncomingPayment, Mappings, Remote
from operations.models import CreditNote, Customer, EquipmentItem, Invoice

# Xero's Microsoft JSON dates: "/Date(1573755038314+0000)/"
# https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def parse_date(value: str) -> datetime:
    match = _MS_DATE.fullmatch(value)
    if match is None:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.fromtimestamp(int(match[1]) / 1000, tz=UTC)


# Xero's limit on an item's and a line's description (Item.Description in the spec).
DESCRIPTION_MAX = 4000


def contact(customer: Customer) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "Name": customer.name,
        # ContactNumber is writable only through the API: it carries Patchbay's id.
        "ContactNumber": f"PB-{customer.pk}",
        "DefaultCurrency": customer.currency,
    }
    if customer.email:
        payload["EmailAddress"] = customer.email
    if customer.tax_number:
        payload["TaxNumber"] = customer.tax_number
    return payload


def item(record: EquipmentItem) -> dict[str, Any]:
    # Code is Xero's required, unique key (30 characters); Name is limited to 50.
    return {
        "Code": (record.sku or f"PB-{record.pk}")[:30],
        "Name": record.name[:50],
        "Description": (record.description or record.name)[:DESCRIPTION_MAX],
        "IsSold": True,
        "SalesDetails": {"UnitPrice": float(record.daily_rate)},
    }


def _lines(lines: Any, mappings: Mappings) -> list[dict[str, Any]]:
    return [
        {
            "Description": (line.label or "Hire")[:DESCRIPTION_MAX],
            # Numbers, as the spec types them (double); 2-4 decimals survive a float.
            "Quantity": float(line.quantity),
            "UnitAmount": float(line.unit_price),
            "AccountCode": mappings.income.get(line.income_category_id, ""),
            "TaxType": mappings.tax.get(line.tax_category_id, ""),
        }
        for line in lines
    ]


def invoice(record: Invoice, mappings: Mappings, contact_id: str) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Status": "DRAFT",
        "Contact": {"ContactID": contact_id},
        "Date": record.issue_date.isoformat(),
        "DueDate": record.due_date.isoformat(),
        "Reference": record.number,
        "CurrencyCode": record.currency,
        "LineAmountTypes": "Exclusive",
        "LineItems": _lines(record.lines.all(), mappings),
    }


def credit_note(record: CreditNote, mappings: Mappings, contact_id: str) -> dict[str, Any]:
    return {
        "Type": "ACCRECCREDIT",
        "Status": "DRAFT",
        "Contact": {"ContactID": contact_id},
        "Date": record.issue_date.isoformat(),
        "Reference": record.number,
        "CurrencyCode": record.currency,
        "LineAmountTypes": "Exclusive",
        "LineItems": _lines(record.lines.all(), mappings),
    }


# --- the fields Patchbay owns, from a payload or a record read back ----------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _amount(value: Any) -> str:
    return format(Decimal(str(value or 0)).normalize(), "f")


def day(value: Any) -> str:
    text = str(value or "")
    return parse_date(text).date().isoformat() if _MS_DATE.fullmatch(text) else text[:10]


def owned_contact(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text(data.get("Name")),
        "email": _text(data.get("EmailAddress")).lower(),
        "tax_number": _text(data.get("TaxNumber")),
    }


def owned_item(data: dict[str, Any]) -> dict[str, Any]:
    sales = data.get("SalesDetails") or {}
    return {
        "code": _text(data.get("Code")),
        "name": _text(data.get("Name")),
        "unit_price": _amount(sales.get("UnitPrice")),
    }


def owned_document(data: dict[str, Any]) -> dict[str, Any]:
    """Invoice or credit note: who, when, which reference and the lines as entered."""
    return {
        "contact": _text((data.get("Contact") or {}).get("ContactID")),
        "date": day(data.get("Date")),
        "due_date": day(data.get("DueDate")),
        "reference": _text(data.get("Reference")),
        "currency": _text(data.get("CurrencyCode")),
        "lines": [
            [
                _text(line.get("Description")),
                _amount(line.get("Quantity")),
                _amount(line.get("UnitAmount")),
                _text(line.get("AccountCode")),
                _text(line.get("TaxType")),
            ]
            for line in data.get("LineItems") or []
        ],
    }


def customer_fields(remote: Remote) -> dict[str, Any]:
    data = remote.data
    fields = {
        "name": _text(data.get("Name")),
        "email": _text(data.get("EmailAddress")),
        "tax_number": _text(data.get("TaxNumber"))[:50],
    }
    if data.get("DefaultCurrency"):
        fields["currency"] = str(data["DefaultCurrency"])
    return fields


def item_fields(remote: Remote) -> dict[str, Any]:
    data = remote.data
    return {
        "name": _text(data.get("Name")) or _text(data.get("Code")),
        "sku": _text(data.get("Code")),
        "description": _text(data.get("Description")),
        "daily_rate": Decimal(_amount((data.get("SalesDetails") or {}).get("UnitPrice"))),
    }


def patchbay_id(value: Any) -> int | None:
    """Patchbay's id from a ContactNumber or item Code it pushed ("PB-42")."""
    match = re.fullmatch(r"PB-(\d+)", _text(value))
    return int(match[1]) if match else None


def remote(data: dict[str, Any], id_field: str) -> Remote:
    status = str(data.get("Status") or data.get("ContactStatus") or "")
    return Remote(
        remote_id=str(data[id_field]),
        version=str(data.get("UpdatedDateUTC", "")),
        updated_at=parse_date(str(data["UpdatedDateUTC"])),
        data=data,
        deleted=status in ("DELETED", "VOIDED", "ARCHIVED"),
    )


def payment(item: dict[str, Any]) -> IncomingPayment:
    return IncomingPayment(
        remote_id=str(item["PaymentID"]),
        invoice_remote_id=str((item.get("Invoice") or {}).get("InvoiceID", "")),
        amount=Decimal(str(item["Amount"])),
        paid_on=_day(item["Date"]),
        reference=str(item.get("Reference") or ""),
        updated_at=parse_date(str(item["UpdatedDateUTC"])),
        deleted=item.get("Status") == "DELETED",
    )


def _day(value: str) -> date:
    return parse_date(value).date()


def validation_message(element: dict[str, Any]) -> str:
    messages = [str(e.get("Message", "")) for e in element.get("ValidationErrors") or []]
    return "; ".join(m for m in messages if m) or "Xero refused this record."
