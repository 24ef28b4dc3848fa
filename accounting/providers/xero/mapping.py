"""Patchbay records <-> Xero JSON. Field names follow Xero's accounting OpenAPI spec."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounting.engine.adapter import IncomingPayment, Mappings
from operations.models import Customer, Invoice

# Xero's Microsoft JSON dates: "/Date(1573755038314+0000)/"
# https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def parse_date(value: str) -> datetime:
    match = _MS_DATE.fullmatch(value)
    if match is None:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.fromtimestamp(int(match[1]) / 1000, tz=UTC)


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
        "LineItems": [
            {
                "Description": line.label or "Hire",
                "Quantity": str(line.quantity),
                "UnitAmount": str(line.unit_price),
                "AccountCode": mappings.income.get(line.income_category_id, ""),
                "TaxType": mappings.tax.get(line.tax_category_id, ""),
            }
            for line in record.lines.all()
        ],
    }


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
