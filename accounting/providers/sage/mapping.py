"""Patchbay records <-> Sage Accounting v3.1 JSON.

Writes name references `<name>_id`; reads show them as `{id, displayed_as, $path}`
(https://developer.sage.com/accounting/guides/concepts/invoicing). Field names follow
Sage's Swagger as generated clients carry it (shared/reference/sage.md, section 2).
"""

from __future__ import annotations

import hashlib
import json
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
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Payment

# Lines are the one list a sales artefact's PUT merges rather than replaces.
LINES_FIELDS = ("invoice_lines", "credit_note_lines")


def _number(value: Decimal) -> float:
    # Sage types amounts as JSON numbers. Two-decimal money survives float's shortest
    # repr exactly ("85.1" stays "85.1" on the wire), so no precision is lost.
    return float(value)


# --- payloads ---------------------------------------------------------------------


def contact(customer: Customer) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": customer.name,
        "contact_type_ids": ["CUSTOMER"],
        # "Unique reference for the contact": it carries Patchbay's id, like Xero's
        # ContactNumber, so a contact pushed before a lost answer is recognised.
        "reference": f"PB-{customer.pk}",
        "currency_id": customer.currency,
    }
    if customer.email:
        payload["email"] = customer.email
    if customer.tax_number:
        payload["tax_number"] = customer.tax_number
    return payload


def service(record: EquipmentItem, sales_account: str) -> dict[str, Any]:
    """Equipment hire is a service. Sage keeps one text, `description` (the item's
    name); Patchbay's longer description goes in `notes`. `sales_ledger_account_id` is
    required on create: the account the organisation's first income category maps to."""
    payload: dict[str, Any] = {
        "item_code": (record.sku or f"PB-{record.pk}")[:50],
        "description": record.name[:200],
        "sales_ledger_account_id": sales_account,
        "sales_rates": [
            {"rate_name": "Daily rate", "rate": _number(record.daily_rate)},
        ],
        "active": True,
    }
    if record.description:
        payload["notes"] = record.description
    return payload


def _lines(lines: Any, mappings: Mappings) -> list[dict[str, Any]]:
    return [
        {
            "description": line.label or "Hire",
            "quantity": _number(line.quantity),
            "unit_price": _number(line.unit_price),
            "ledger_account_id": mappings.income.get(line.income_category_id, ""),
            "tax_rate_id": mappings.tax.get(line.tax_category_id, ""),
        }
        for line in lines
    ]


def sales_invoice(
    record: Invoice, mappings: Mappings, contact_id: str, draft: bool = True
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        # A draft: the bookkeeper reviews and releases it in Sage (POST /release). Left
        # out, the invoice is created released (UNPAID), ready to be paid.
        "status_id": "DRAFT",
        "contact_id": contact_id,
        "date": record.issue_date.isoformat(),
        "due_date": record.due_date.isoformat(),
        "reference": record.number,
        "currency_id": record.currency,
        "invoice_lines": _lines(record.lines.all(), mappings),
    }
    if not draft:
        del payload["status_id"]
    return payload


def sales_credit_note(
    record: CreditNote, mappings: Mappings, contact_id: str, draft: bool = True
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "status_id": "DRAFT",
        "contact_id": contact_id,
        "date": record.issue_date.isoformat(),
        "reference": record.number,
        "currency_id": record.currency,
        "credit_note_lines": _lines(record.lines.all(), mappings),
    }
    if not draft:
        del payload["status_id"]
    return payload


def receipt(
    record: Payment, bank_account_id: str, invoice_id: str, contact_id: str
) -> dict[str, Any]:
    """A customer receipt into the mapped bank account, all of it allocated to the one
    invoice. https://developer.sage.com/accounting/guides/concepts/payments"""
    return {
        "transaction_type_id": "CUSTOMER_RECEIPT",
        "contact_id": contact_id,
        "bank_account_id": bank_account_id,
        "payment_method_id": "BANK_TRANSFER",
        "date": record.paid_on.isoformat(),
        "total_amount": _number(record.amount),
        "reference": (record.reference or f"Patchbay payment {record.pk}")[:255],
        "allocated_artefacts": [{"artefact_id": invoice_id, "amount": _number(record.amount)}],
    }


def credit_allocation(
    note: CreditNote, credit: Decimal, invoice_id: str, note_id: str, contact_id: str
) -> dict[str, Any]:
    """A credit note set against an invoice: the invoice's share positive, the credit
    note's negative, adding up to zero."""
    amount = _number(credit)
    return {
        "transaction_type_id": "CUSTOMER_ALLOCATION",
        "contact_id": contact_id,
        "date": note.issue_date.isoformat(),
        "allocated_artefacts": [
            {"artefact_id": invoice_id, "amount": amount},
            {"artefact_id": note_id, "amount": -amount},
        ],
    }


# Sage's artefact statuses in Patchbay's words.
_STATUSES = {"DRAFT": "draft", "UNPAID": "issued", "PART_PAID": "partially_paid"}
_STATUSES |= {"PAID": "paid", "VOID": "void"}


def ledger_state(data: dict[str, Any]) -> LedgerState:
    word = _ref(data, "status")
    total = Decimal(str(data.get("total_amount") or 0))
    due = Decimal(str(data.get("outstanding_amount", total) or 0))
    return LedgerState(
        total=total, amount_due=due, status=_STATUSES.get(word, "issued"), ledger_status=word
    )


def payment_share_id(data: dict[str, Any], invoice_id: str) -> str:
    """The id a pull gives the share of a receipt that settled this invoice
    (``payments``): ``<payment id>:<allocation id>``."""
    for n, share in enumerate(data.get("allocated_artefacts") or []):
        if _text((share.get("artefact") or {}).get("id")) == invoice_id:
            return f"{data['id']}:{_text(share.get('id')) or n}"
    return str(data.get("id", ""))


def lines_field(data: dict[str, Any]) -> str:
    return next((name for name in LINES_FIELDS if name in data), LINES_FIELDS[0])


def replacing_lines(sent: list[dict[str, Any]], current_ids: list[str]) -> list[dict[str, Any]]:
    """Lines for a PUT that leave the artefact with exactly ``sent``.

    Sage merges lines like Rails nested attributes (docs/providers/sage.md): a line with
    its `id` is changed, one without is added, `_destroy` removes one, and lines left
    out stay. So the n-th line read is rewritten with the n-th line sent, extra sent
    lines are added, and extra lines read are removed.
    """
    rewritten = [
        {**line, "id": current_ids[n]} if n < len(current_ids) else dict(line)
        for n, line in enumerate(sent)
    ]
    removed = [{"id": line_id, "_destroy": True} for line_id in current_ids[len(sent) :]]
    return rewritten + removed


# --- the fields Patchbay owns, from a payload or a record read back ------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _amount(value: Any) -> str:
    return format(Decimal(str(value or 0)).normalize(), "f")


def _ref(data: dict[str, Any], name: str) -> str:
    """A reference as written (`contact_id`) or as read (`contact: {id, ...}`)."""
    if data.get(f"{name}_id"):
        return _text(data[f"{name}_id"])
    linked = data.get(name)
    return _text(linked.get("id")) if isinstance(linked, dict) else ""


def owned_contact(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text(data.get("name")),
        "email": _text(data.get("email")).lower(),
        "tax_number": _text(data.get("tax_number")),
    }


def _rate(data: dict[str, Any]) -> Any:
    rates = data.get("sales_rates") or [{}]
    return rates[0].get("rate") if isinstance(rates[0], dict) else None


def owned_service(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": _text(data.get("item_code")),
        "name": _text(data.get("description")),
        "unit_price": _amount(_rate(data)),
    }


def owned_document(data: dict[str, Any]) -> dict[str, Any]:
    """Invoice or credit note: who, when, which reference and the lines as entered.
    Totals, statuses, numbers and the currency (Sage may hold it in the business's own)
    stay out."""
    return {
        "contact": _ref(data, "contact"),
        "date": _text(data.get("date"))[:10],
        "due_date": _text(data.get("due_date"))[:10],
        "reference": _text(data.get("reference")),
        "lines": [
            [
                _text(line.get("description")),
                _amount(line.get("quantity")),
                _amount(line.get("unit_price")),
                _ref(line, "ledger_account"),
                _ref(line, "tax_rate"),
            ]
            for line in data.get(lines_field(data)) or []
            if not line.get("_destroy")
        ],
    }


# --- pulled records as Patchbay fields ------------------------------------------------


def customer_fields(remote: Remote) -> dict[str, Any]:
    data = remote.data
    fields = {
        "name": _text(data.get("name")),
        "email": _text(data.get("email")),
        "tax_number": _text(data.get("tax_number"))[:50],
    }
    currency = _ref(data, "currency")
    if currency:
        fields["currency"] = currency[:3]
    return fields


def item_fields(remote: Remote) -> dict[str, Any]:
    data = remote.data
    return {
        "name": (_text(data.get("description")) or _text(data.get("item_code")))[:200],
        "sku": _text(data.get("item_code"))[:60],
        "description": _text(data.get("notes")),
        "daily_rate": Decimal(_amount(_rate(data))),
    }


def patchbay_id(value: Any) -> int | None:
    """Patchbay's id from a contact reference or item code it pushed ("PB-42")."""
    match = re.fullmatch(r"PB-(\d+)", _text(value))
    return int(match[1]) if match else None


# --- records and payments read back ---------------------------------------------------


def parse_moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def version(data: dict[str, Any], owned: dict[str, Any]) -> str:
    """`updated_at` (to the second) and a hash of the fields Patchbay owns: a bookkeeper's
    edit in the same second as Patchbay's write still shows as a new version."""
    digest = hashlib.sha256(json.dumps(owned, sort_keys=True).encode()).hexdigest()[:12]
    return f"{_text(data.get('updated_at'))}~{digest}"


NUMBER_FIELDS = ("invoice_number", "credit_note_number", "quote_number", "estimate_number")


def number_of(data: dict[str, Any]) -> str:
    """The number Sage gave a written document (it numbers them itself)."""
    return next((_text(data[name]) for name in NUMBER_FIELDS if data.get(name)), "")[:60]


def web_link(data: dict[str, Any]) -> str:
    """The record's page in Sage's web app: Sage lists it among the record's `links` as
    the `alternate` text/html one."""
    for found in data.get("links") or []:
        if isinstance(found, dict) and found.get("rel") == "alternate" and found.get("href"):
            return str(found["href"])[:500]
    return ""


def remote(data: dict[str, Any], owned: dict[str, Any]) -> Remote:
    status = _ref(data, "status")
    return Remote(
        remote_id=str(data["id"]),
        version=version(data, owned),
        updated_at=parse_moment(str(data["updated_at"])),
        data=data,
        deleted=bool(data.get("deleted_at")) or status == "VOID",
    )


def _deleted_at(data: dict[str, Any], since: datetime) -> datetime:
    """When a listed record was deleted; ``since`` (the read's start) if Sage left it out,
    so a missing stamp never moves the cursor."""
    stamp = _text(data.get("deleted_at"))
    return parse_moment(stamp) if stamp else since


def deleted_remote(data: dict[str, Any], since: datetime) -> Remote:
    """A contact or service from a `deleted_since` listing: its id and when it went."""
    deleted_at = _deleted_at(data, since)
    return Remote(
        remote_id=str(data["id"]),
        version=f"deleted {deleted_at.isoformat()}",
        updated_at=deleted_at,
        data=data,
        deleted=True,
    )


def is_void(data: dict[str, Any]) -> bool:
    status = data.get("status")
    return isinstance(status, dict) and status.get("id") == "VOID"


def voided(entity: str, data: dict[str, Any], since: datetime) -> Removal:
    """A sales artefact voided (``DELETE`` with a ``void_reason`` once it was issued)."""
    stamp = _text(data.get("updated_at"))
    return Removal(entity, str(data["id"]), "voided", parse_moment(stamp) if stamp else since)


def deleted_artefact(entity: str, data: dict[str, Any], since: datetime) -> Removal:
    """A draft deleted, from a `deleted_since` listing."""
    return Removal(entity, str(data["id"]), "deleted", _deleted_at(data, since))


def deleted_payments(
    data: dict[str, Any], shares: list[str], since: datetime
) -> list[IncomingPayment]:
    """A receipt from a `deleted_since` listing, as each of its shares Patchbay applied."""
    deleted_at = _deleted_at(data, since)
    return [
        IncomingPayment(
            remote_id=share,
            invoice_remote_id="",
            amount=Decimal(0),
            paid_on=deleted_at.date(),
            reference="",
            updated_at=deleted_at,
            deleted=True,
        )
        for share in shares
    ]


def payments(data: dict[str, Any]) -> list[IncomingPayment]:
    """One payment per sales invoice it settles, each with an id of its own (payment and
    allocation), so a receipt split over several invoices, or a second part-payment of
    one invoice, is applied once per share."""
    paid_on = date.fromisoformat(_text(data.get("date"))[:10])
    updated_at = parse_moment(str(data["updated_at"]))
    shares = []
    for n, share in enumerate(data.get("allocated_artefacts") or []):
        artefact = share.get("artefact") or {}
        if not _text(artefact.get("$path")).startswith("/sales_invoices/"):
            continue  # a credit note or another artefact, not an invoice Patchbay pushed
        shares.append(
            IncomingPayment(
                remote_id=f"{data['id']}:{_text(share.get('id')) or n}",
                invoice_remote_id=_text(artefact.get("id")),
                amount=Decimal(str(share.get("amount") or 0)),
                paid_on=paid_on,
                reference=_text(data.get("reference")),
                updated_at=updated_at,
                deleted=bool(data.get("deleted_at")),
            )
        )
    return shares


def error_message(body: Any) -> str:
    """Sage's error array as one sentence: `[{"$severity", "$dataCode", "$message",
    "$source"}]` (https://developer.sage.com/accounting/guides/concepts/frequently_raised_errors)."""
    problems = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    parts = []
    for problem in problems:
        if not isinstance(problem, dict):
            continue
        message = _text(problem.get("$message")) or _text(problem.get("$dataCode"))
        source = _text(problem.get("$source"))
        if message:
            parts.append(f"{source}: {message}" if source else message)
    return "; ".join(parts) or "Sage refused this record."


def ledger_invoice(data: dict[str, Any]) -> LedgerInvoice:
    """A sales invoice as listed, for the ledger mirror."""
    state = ledger_state(data)
    dated, due = _text(data.get("date"))[:10], _text(data.get("due_date"))[:10]
    return LedgerInvoice(
        remote_id=str(data["id"]),
        contact_remote_id=_ref(data, "contact"),
        number=number_of(data),
        issued_on=date.fromisoformat(dated) if dated else None,
        due_on=date.fromisoformat(due) if due else None,
        currency=_ref(data, "currency"),
        total=state.total,
        amount_due=Decimal(0) if state.status == "void" else state.amount_due,
        status=state.status,
        updated_at=parse_moment(str(data["updated_at"])),
    )
