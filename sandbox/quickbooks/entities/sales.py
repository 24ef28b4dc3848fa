"""Invoice, Estimate and CreditMemo: the sales transactions.

The server computes TotalAmt, TxnTaxDetail.TotalTax, the SubTotalLineDetail line, Balance
(Invoice, CreditMemo) and RemainingCredit (CreditMemo), numbers DocNumber when none is
sent, and defaults TxnDate to today and an invoice's DueDate to 30 days later.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sandbox.quickbooks import clock, errors
from sandbox.quickbooks.entities import currencies, lines, tax
from sandbox.quickbooks.entities.common import (
    amount,
    clean,
    decimal,
    money,
    ref_id,
    ref_to,
    reference,
    text,
)
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
DOC_NUMBER_MAX = 21
ESTIMATE_STATUSES = ("Pending", "Accepted", "Closed", "Rejected")
TAX_MODES = ("TaxExcluded", "NotApplicable")
PASSED_THROUGH = ("BillAddr", "ShipAddr", "BillEmail", "BillEmailCc", "BillEmailBcc")


def prepare(entity: str) -> Any:
    def prepare_sale(books: Books, doc: Json, old: QboEntity | None) -> Json:
        return _prepare(books, entity, doc, old)

    return prepare_sale


def _prepare(books: Books, entity: str, doc: Json, old: QboEntity | None) -> Json:
    if ref_id(doc.get("CustomerRef")) is None:
        raise errors.required("CustomerRef")
    customer = reference(books, "Customer", doc.get("CustomerRef"), "CustomerRef")
    currency = _currency(books, doc, customer, old)
    made = lines.sales_lines(books, doc.get("Line"), old.data.get("Line", []) if old else [])
    mode = _tax_mode(books, doc)
    tax_detail = tax.txn_tax_detail(books, made.taxed, doc.get("TxnTaxDetail"), mode)
    total = money(made.subtotal + Decimal(str(tax_detail["TotalTax"])))
    txn_date = _iso(_day(doc.get("TxnDate"), "TxnDate")) or clock.today().isoformat()
    data: Json = {
        "DocNumber": _doc_number(books, entity, doc, old),
        "TxnDate": txn_date,
        "CurrencyRef": currency,
        "ExchangeRate": _exchange_rate(books, doc, currency),
        "PrivateNote": text(doc.get("PrivateNote"), "PrivateNote", 4000),
        "Line": made.lines,
        "TxnTaxDetail": tax_detail,
        "CustomerRef": ref_to(customer, "DisplayName"),
        "CustomerMemo": _memo(doc.get("CustomerMemo")),
        "DepartmentRef": _optional(books, "Department", doc, "DepartmentRef"),
        "ClassRef": _optional(books, "Class", doc, "ClassRef"),
        "SalesTermRef": doc.get("SalesTermRef") if ref_id(doc.get("SalesTermRef")) else None,
        "GlobalTaxCalculation": None if books.company.is_us else mode,
        "TotalAmt": amount(total),
        "ApplyTaxAfterDiscount": False,
        "PrintStatus": doc.get("PrintStatus") or "NeedToPrint",
        "EmailStatus": doc.get("EmailStatus") or "NotSet",
    }
    data |= {key: doc.get(key) for key in PASSED_THROUGH if isinstance(doc.get(key), dict)}
    if currency["value"] != books.company.home_currency:
        data["HomeTotalAmt"] = amount(total * Decimal(str(data["ExchangeRate"])))
    data |= EXTRA[entity](books, doc, old, total, txn_date)
    return clean(data)


def _invoice(books: Books, doc: Json, old: QboEntity | None, total: Decimal, day: str) -> Json:
    due = _day(doc.get("DueDate"), "DueDate")
    if due is None:
        due = (clock.parse_day(day) or clock.today()) + timedelta(days=30)
    applied = applied_to(books, "Invoice", old)
    if applied > total:
        raise errors.business(
            f"The invoice total {total} is less than the {applied} already paid on it", "Line"
        )
    return {
        "DueDate": due.isoformat(),
        "Balance": amount(total - applied),
        "LinkedTxn": _estimate_links(books, doc) + payment_links(old),
        "AllowOnlineCreditCardPayment": doc.get("AllowOnlineCreditCardPayment"),
        "AllowOnlineACHPayment": doc.get("AllowOnlineACHPayment"),
    }


def _estimate(books: Books, doc: Json, old: QboEntity | None, total: Decimal, day: str) -> Json:
    status = doc.get("TxnStatus") or "Pending"
    if status not in ESTIMATE_STATUSES:
        raise errors.invalid("2010", f"Invalid TxnStatus {status}", "TxnStatus")
    expiry = _day(doc.get("ExpirationDate"), "ExpirationDate")
    return {
        "TxnStatus": status,
        "ExpirationDate": expiry.isoformat() if expiry else None,
        "AcceptedBy": text(doc.get("AcceptedBy"), "AcceptedBy", 100),
        "AcceptedDate": text(doc.get("AcceptedDate"), "AcceptedDate"),
        "DueDate": _iso(_day(doc.get("DueDate"), "DueDate")),
    }


def _credit_memo(books: Books, doc: Json, old: QboEntity | None, total: Decimal, day: str) -> Json:
    applied = applied_to(books, "CreditMemo", old)
    if applied > total:
        raise errors.business(f"The credit {total} is less than the {applied} already used")
    remaining = amount(total - applied)
    return {"Balance": remaining, "RemainingCredit": remaining, "LinkedTxn": payment_links(old)}


EXTRA = {"Invoice": _invoice, "Estimate": _estimate, "CreditMemo": _credit_memo}


def applied_to(books: Books, entity: str, row: QboEntity | None) -> Decimal:
    """What live payments apply to this invoice or credit memo."""
    if row is None:
        return Decimal(0)
    total = Decimal(0)
    for payment in books.all("Payment"):
        for line in payment.data.get("Line", []):
            for link in line.get("LinkedTxn", []):
                if link.get("TxnType") == entity and str(link.get("TxnId")) == row.entity_id:
                    total += Decimal(str(line.get("Amount", 0)))
    return total


def payment_links(row: QboEntity | None) -> list[Json]:
    if row is None:
        return []
    return [link for link in row.data.get("LinkedTxn", []) if link.get("TxnType") == "Payment"]


def _estimate_links(books: Books, doc: Json) -> list[Json]:
    links = []
    for link in doc.get("LinkedTxn") or []:
        if isinstance(link, dict) and link.get("TxnType") == "Estimate":
            estimate = reference(books, "Estimate", link.get("TxnId"), "LinkedTxn.TxnId")
            links.append({"TxnId": estimate.entity_id, "TxnType": "Estimate"})
    return links


def _doc_number(books: Books, entity: str, doc: Json, old: QboEntity | None) -> str | None:
    number = text(doc.get("DocNumber"), "DocNumber", DOC_NUMBER_MAX)
    if number is None and old is None:
        return str(books.next_number(f"DocNumber:{entity}", start=1001))
    if number and books.company.duplicate_doc_number_check:
        for row in books.all(entity):
            if row.data.get("DocNumber") == number and (old is None or row.pk != old.pk):
                detail = (
                    "Duplicate Document Number Error : You must specify a different number. "
                    f"This number has already been used. DocNumber={number} is assigned to "
                    f"TxnType={entity} with TxnId={row.entity_id}"
                )
                raise errors.invalid("6140", detail, "DocNumber")
    return number


def _currency(books: Books, doc: Json, customer: QboEntity, old: QboEntity | None) -> Json:
    own = customer.data.get("CurrencyRef") or currencies.home(books)
    sent = ref_id(doc.get("CurrencyRef"))
    if sent is not None and sent != own["value"]:
        raise errors.business(
            f"The currency {sent} is not the customer's currency {own['value']}", "CurrencyRef"
        )
    return dict(own)


def _exchange_rate(books: Books, doc: Json, currency: Json) -> float | None:
    if not books.company.multicurrency:
        return None
    if currency["value"] == books.company.home_currency:
        return 1
    sent = decimal(doc.get("ExchangeRate"), "ExchangeRate")
    if sent is not None:
        return float(sent)
    for row in books.all("CompanyCurrency"):
        if row.data.get("Code") == currency["value"]:
            return float(row.data.get("_ExchangeRate", 1))
    return 1


def _tax_mode(books: Books, doc: Json) -> str:
    mode = doc.get("GlobalTaxCalculation") or "TaxExcluded"
    if not books.company.is_us and mode not in TAX_MODES:
        raise errors.invalid(
            "2010",
            f"GlobalTaxCalculation {mode} is not supported by the sandbox",
            "GlobalTaxCalculation",
        )
    return str(mode)


def _memo(value: Any) -> Json | None:
    if value is None:
        return None
    memo = value.get("value") if isinstance(value, dict) else value
    return {"value": text(memo, "CustomerMemo", 1000)}


def _optional(books: Books, entity: str, doc: Json, element: str) -> Json | None:
    if ref_id(doc.get(element)) is None:
        return None
    return ref_to(reference(books, entity, doc.get(element), element))


def _day(value: Any, element: str) -> Any:
    if value in (None, ""):
        return None
    parsed = clock.parse_day(value)
    if parsed is None:
        raise errors.invalid("2010", f"Property {element}: {value!r} is not a date", element)
    return parsed


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def void(books: Books, row: QboEntity) -> Json:
    """Voiding keeps the invoice with every amount zero and "Voided" in its memo."""
    if applied_to(books, row.entity, row) > 0:
        raise errors.business("An invoice with payments applied cannot be voided")
    data = dict(row.data)
    data["Line"] = [_zeroed(line) for line in data.get("Line", [])]
    data["TxnTaxDetail"] = {"TotalTax": 0}
    data |= {"TotalAmt": 0, "Balance": 0}
    note = data.get("PrivateNote")
    data["PrivateNote"] = f"Voided - {note}" if note else "Voided"
    return data


def _zeroed(line: Json) -> Json:
    line = {**line, "Amount": 0}
    detail = line.get(lines.ITEM)
    if isinstance(detail, dict):
        line[lines.ITEM] = {**detail, "Qty": 0, "UnitPrice": 0}
    return line
