"""Patchbay records <-> Xero JSON. Field names follow Xero's accounting OpenAPI spec."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounting.engine.adapter import (
    IncomingPayment,
    LedgerInvoice,
    LedgerState,
    Mappings,
    Remote,
    Removal,
)
from operations.models import (
    CreditNote,
    Customer,
    EquipmentItem,
    Invoice,
    Payment,
    PurchaseOrder,
)

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


def invoice(
    record: Invoice, mappings: Mappings, contact_id: str, status: str = "DRAFT"
) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Status": status,
        "Contact": {"ContactID": contact_id},
        "Date": record.issue_date.isoformat(),
        "DueDate": record.due_date.isoformat(),
        "Reference": record.number,
        "CurrencyCode": record.currency,
        "LineAmountTypes": "Exclusive",
        "LineItems": _lines(record.lines.all(), mappings),
    }


def credit_note(
    record: CreditNote, mappings: Mappings, contact_id: str, status: str = "DRAFT"
) -> dict[str, Any]:
    return {
        "Type": "ACCRECCREDIT",
        "Status": status,
        "Contact": {"ContactID": contact_id},
        "Date": record.issue_date.isoformat(),
        "Reference": record.number,
        "CurrencyCode": record.currency,
        "LineAmountTypes": "Exclusive",
        "LineItems": _lines(record.lines.all(), mappings),
    }


def payment_out(record: Payment, account_code: str, invoice_id: str) -> dict[str, Any]:
    """A payment against an AUTHORISED invoice, into the mapped account (a bank account
    or one with EnablePaymentsToAccount).
    https://developer.xero.com/documentation/api/accounting/payments#put-payments"""
    return {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": account_code},
        "Date": record.paid_on.isoformat(),
        "Amount": float(record.amount),
        # The Patchbay id rides along, so a person reading the ledger can tell it apart.
        "Reference": (record.reference or f"Patchbay payment {record.pk}")[:255],
    }


def allocation(note: CreditNote, credit: Decimal, invoice_id: str, note_id: str) -> dict[str, Any]:
    """The credit (what Xero has left of it, at most what the invoice owes) set against
    its invoice: PUT /CreditNotes/{id}/Allocations (an Allocation needs Amount, Invoice
    and Date).
    https://developer.xero.com/documentation/api/accounting/creditnotes#allocate-credit-notes"""
    return {
        "CreditNoteID": note_id,
        "Allocation": {
            "Amount": float(credit),
            "Invoice": {"InvoiceID": invoice_id},
            "Date": note.issue_date.isoformat(),
        },
    }


# Xero's invoice statuses in Patchbay's words; AUTHORISED is issued or part-paid.
_STATUSES = {"DRAFT": "draft", "SUBMITTED": "draft", "PAID": "paid"}
_STATUSES |= {"VOIDED": "void", "DELETED": "void"}


def ledger_state(data: dict[str, Any]) -> LedgerState:
    word = str(data.get("Status") or "")
    total = Decimal(str(data.get("Total") or 0))
    due = Decimal(str(data.get("AmountDue", data.get("RemainingCredit", total)) or 0))
    status = _STATUSES.get(word)
    if status is None:  # AUTHORISED
        status = "partially_paid" if due < total else "issued"
    return LedgerState(total=total, amount_due=due, status=status, ledger_status=word)


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


def removal(entity: str, data: dict[str, Any], id_field: str) -> Removal | None:
    """A document listed with Status DELETED (a draft deleted) or VOIDED; None for any
    other status (the read asks for those two only, but a document is judged by its own
    status, not by the filter)."""
    how = {"DELETED": "deleted", "VOIDED": "voided"}.get(str(data.get("Status")))
    if how is None:
        return None
    return Removal(entity, str(data[id_field]), how, parse_date(str(data["UpdatedDateUTC"])))


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


def ledger_invoice(data: dict[str, Any]) -> LedgerInvoice | None:
    """A sales invoice as listed, for the ledger mirror; None for a bill (ACCPAY)."""
    if str(data.get("Type") or "ACCREC") != "ACCREC":
        return None
    state = ledger_state(data)
    word = str(data.get("Status") or "")
    dated, due = data.get("Date"), data.get("DueDate")
    return LedgerInvoice(
        remote_id=str(data["InvoiceID"]),
        contact_remote_id=str((data.get("Contact") or {}).get("ContactID", "")),
        number=str(data.get("InvoiceNumber") or ""),
        issued_on=_day(str(dated)) if dated else None,
        due_on=_day(str(due)) if due else None,
        currency=str(data.get("CurrencyCode") or ""),
        total=state.total,
        amount_due=Decimal(0) if word in ("VOIDED", "DELETED") else state.amount_due,
        status="deleted" if word == "DELETED" else state.status,
        updated_at=parse_date(str(data["UpdatedDateUTC"])),
    )


# --- purchase orders ---------------------------------------------------------------------


def purchase_order(
    record: PurchaseOrder, mappings: Mappings, contact_id: str, status: str = "DRAFT"
) -> dict[str, Any]:
    """An approved purchase order to its supplier's contact. Lines name the expense
    account mapped to their expense category and no TaxType: Patchbay's tax categories
    map to sales rates (OUTPUT2), which Xero refuses on expense accounts, so each line
    takes its account's own purchase rate (INPUT2 on a UK overhead).
    https://developer.xero.com/documentation/api/accounting/purchaseorders"""
    payload: dict[str, Any] = {
        "Status": status,
        "Contact": {"ContactID": contact_id},
        "Date": record.order_date.isoformat(),
        "PurchaseOrderNumber": record.number,
        "Reference": record.notes[:255],
        "CurrencyCode": record.currency,
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": (line.label or "Sub-hire")[:DESCRIPTION_MAX],
                "Quantity": float(line.quantity),
                "UnitAmount": float(line.unit_cost),
                "AccountCode": mappings.expense.get(line.expense_category_id, ""),
            }
            for line in record.lines.all()
        ],
    }
    if record.delivery_date is not None:
        payload["DeliveryDate"] = record.delivery_date.isoformat()
    return payload


def owned_purchase_order(data: dict[str, Any]) -> dict[str, Any]:
    """Who, when, which number and the lines as entered; status and totals are Xero's."""
    return {
        "contact": _text((data.get("Contact") or {}).get("ContactID")),
        "date": day(data.get("Date")),
        "delivery": day(data.get("DeliveryDate")),
        "number": _text(data.get("PurchaseOrderNumber")),
        "reference": _text(data.get("Reference")),
        "currency": _text(data.get("CurrencyCode")),
        "lines": [
            [
                _text(line.get("Description")),
                _amount(line.get("Quantity")),
                _amount(line.get("UnitAmount")),
                _text(line.get("AccountCode")),
            ]
            for line in data.get("LineItems") or []
        ],
    }
