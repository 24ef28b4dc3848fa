"""Vendor and PurchaseOrder: what a business buys, and from whom.

A Vendor is a name-list entity like Customer (never deleted, made inactive), whose
DisplayName is unique across customers and vendors alike. A PurchaseOrder is a
non-posting transaction: its lines are expense lines, either an item bought
(ItemBasedExpenseLineDetail) or an amount booked to an expense account
(AccountBasedExpenseLineDetail); the server numbers it, totals it (TotalAmt, the lines'
net: the sandbox keeps no purchase tax) and keeps POStatus Open until closed.
https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/purchaseorder
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.core.params import whole_number
from sandbox.quickbooks import clock, errors
from sandbox.quickbooks.entities import currencies
from sandbox.quickbooks.entities.common import (
    amount,
    boolean,
    clean,
    decimal,
    money,
    number,
    ref_id,
    ref_to,
    reference,
    required_decimal,
    text,
)
from sandbox.quickbooks.entities.names import unique_name
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
ITEM = "ItemBasedExpenseLineDetail"
ACCOUNT = "AccountBasedExpenseLineDetail"
PO_STATUSES = ("Open", "Closed")
BILLABLE = ("Billable", "NotBillable", "HasBeenBilled")
WHO = "customer, vendor or employee"

# The registry's field lists (element names of Intuit's XSD types Vendor, PurchaseOrder).
VENDOR_FIELDS = frozenset(
    {"Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "CompanyName", "DisplayName"}
    | {"PrintOnCheckName", "Active", "PrimaryPhone", "Mobile", "Fax", "PrimaryEmailAddr"}
    | {"WebAddr", "BillAddr", "Notes", "AcctNum", "TaxIdentifier", "CurrencyRef"}
)
VENDOR_COMPUTED = frozenset({"Balance"})
PURCHASE_ORDER_FIELDS = frozenset(
    {"DocNumber", "TxnDate", "DueDate", "ExpectedDate", "CurrencyRef", "PrivateNote", "Memo"}
    | {"VendorRef", "APAccountRef", "Line", "POStatus", "POEmail", "ShipAddr"}
    | {"EmailStatus", "PrintStatus", "GlobalTaxCalculation"}
)
PURCHASE_ORDER_COMPUTED = frozenset({"TotalAmt"})

# --- Vendor -----------------------------------------------------------------------------

VENDOR_TEXT = {
    "Title": 16,
    "GivenName": 100,
    "MiddleName": 100,
    "FamilyName": 100,
    "Suffix": 16,
    "CompanyName": 100,
    "PrintOnCheckName": 110,
    "Notes": 2000,
    "AcctNum": 100,
    "TaxIdentifier": 20,
}
VENDOR_OBJECTS = ("PrimaryEmailAddr", "PrimaryPhone", "Mobile", "Fax", "WebAddr", "BillAddr")


def prepare_vendor(books: Books, doc: Json, old: QboEntity | None) -> Json:
    data: Json = {key: text(doc.get(key), key, limit) for key, limit in VENDOR_TEXT.items()}
    name = text(doc.get("DisplayName") or doc.get("CompanyName"), "DisplayName", 500)
    if not name or not name.strip():
        raise errors.required("DisplayName")
    if ":" in name:
        raise errors.invalid("2050", "DisplayName cannot contain a colon (:)", "DisplayName")
    # One DisplayName across the name lists: a vendor may not take a customer's name.
    unique_name(books, "Vendor", "DisplayName", name, old, WHO)
    unique_name(books, "Customer", "DisplayName", name, None, WHO)
    active = boolean(doc.get("Active"), "Active")
    data |= {
        "DisplayName": name,
        "PrintOnCheckName": data["PrintOnCheckName"] or name,
        "Active": True if active is None else active,
        "CurrencyRef": currencies.check(books, doc.get("CurrencyRef"), old),
        "Balance": old.data.get("Balance", 0) if old else 0,
    }
    for key in VENDOR_OBJECTS:
        value = doc.get(key)
        if value is not None and not isinstance(value, dict):
            raise errors.invalid("2010", f"Property {key}: an object is expected", key)
        data[key] = value
    return clean(data)


# --- PurchaseOrder ----------------------------------------------------------------------


def prepare_purchase_order(books: Books, doc: Json, old: QboEntity | None) -> Json:
    if ref_id(doc.get("VendorRef")) is None:
        raise errors.required("VendorRef")
    vendor = reference(books, "Vendor", doc.get("VendorRef"), "VendorRef")
    made, total = _lines(books, doc.get("Line"), old.data.get("Line", []) if old else [])
    status = doc.get("POStatus") or "Open"
    if status not in PO_STATUSES:
        raise errors.invalid("2010", f"Invalid POStatus {status}", "POStatus")
    currency = vendor.data.get("CurrencyRef") or currencies.home(books)
    sent_currency = ref_id(doc.get("CurrencyRef"))
    if sent_currency is not None and sent_currency != currency["value"]:
        raise errors.business(
            f"The currency {sent_currency} is not the vendor's currency {currency['value']}",
            "CurrencyRef",
        )
    data: Json = {
        "DocNumber": _doc_number(books, doc, old),
        "TxnDate": _day(doc.get("TxnDate"), "TxnDate") or clock.today().isoformat(),
        "DueDate": _day(doc.get("DueDate"), "DueDate"),
        "ExpectedDate": _day(doc.get("ExpectedDate"), "ExpectedDate"),
        "CurrencyRef": dict(currency),
        "PrivateNote": text(doc.get("PrivateNote"), "PrivateNote", 4000),
        "Memo": text(doc.get("Memo"), "Memo", 4000),
        "VendorRef": ref_to(vendor, "DisplayName"),
        "APAccountRef": _optional(books, "Account", doc.get("APAccountRef"), "APAccountRef"),
        "Line": made,
        "TotalAmt": amount(total),
        "POStatus": status,
        "POEmail": doc.get("POEmail") if isinstance(doc.get("POEmail"), dict) else None,
        "ShipAddr": doc.get("ShipAddr") if isinstance(doc.get("ShipAddr"), dict) else None,
        "EmailStatus": doc.get("EmailStatus") or "NotSet",
        "PrintStatus": doc.get("PrintStatus") or "NotSet",
        "GlobalTaxCalculation": None if books.company.is_us else _tax_mode(doc),
    }
    return clean(data)


def _tax_mode(doc: Json) -> str:
    mode = doc.get("GlobalTaxCalculation") or "TaxExcluded"
    if mode not in ("TaxExcluded", "NotApplicable"):
        raise errors.invalid(
            "2010",
            f"GlobalTaxCalculation {mode} is not supported by the sandbox",
            "GlobalTaxCalculation",
        )
    return str(mode)


def _lines(books: Books, sent: Any, old: list[Json]) -> tuple[list[Json], Decimal]:
    if not isinstance(sent, list) or not sent:
        raise errors.required("Line")
    kept = {str(line.get("Id")) for line in old if line.get("Id")}
    next_id = max((n for n in map(whole_number, kept) if n is not None), default=0) + 1
    made: list[Json] = []
    total = Decimal(0)
    for raw in sent:
        if not isinstance(raw, dict):
            raise errors.invalid("2010", "Property Line: an object is expected", "Line")
        line_id = str(raw.get("Id") or "")
        if line_id not in kept:
            line_id, next_id = str(next_id), next_id + 1
        line_amount = money(required_decimal(raw.get("Amount"), "Line.Amount"))
        detail_type = raw.get("DetailType")
        if detail_type == ITEM:
            detail = _item_detail(books, raw.get(ITEM), line_amount)
        elif detail_type == ACCOUNT:
            detail = _account_detail(books, raw.get(ACCOUNT))
        elif not detail_type:
            raise errors.required("Line.DetailType")
        else:
            raise errors.invalid(
                "2010", f"Line DetailType {detail_type} is not allowed on a PurchaseOrder", "Line"
            )
        total += line_amount
        line = {
            "Id": line_id,
            "LineNum": len(made) + 1,
            "Description": text(raw.get("Description"), "Line.Description", 4000),
            "Amount": amount(line_amount),
            "DetailType": detail_type,
            detail_type: detail,
        }
        made.append(clean(line))
    return made, total


def _item_detail(books: Books, sent: Any, line_amount: Decimal) -> Json:
    if not isinstance(sent, dict):
        raise errors.invalid("2010", f"Property {ITEM}: an object is expected", ITEM)
    item = reference(books, "Item", sent.get("ItemRef"), "ItemRef")
    quantity = decimal(sent.get("Qty"), "Qty")
    unit_price = decimal(sent.get("UnitPrice"), "UnitPrice")
    if quantity is not None and unit_price is not None:
        _check_amount(quantity * unit_price, line_amount)
    return clean(
        {
            "ItemRef": ref_to(item),
            "Qty": number(quantity.normalize()) if quantity is not None else None,
            "UnitPrice": number(unit_price.normalize()) if unit_price is not None else None,
            "TaxCodeRef": _tax_code(books, sent),
            "CustomerRef": _optional(books, "Customer", sent.get("CustomerRef"), "CustomerRef"),
            "BillableStatus": _billable(sent),
        }
    )


def _check_amount(computed: Decimal, line_amount: Decimal) -> None:
    if abs(money(computed) - line_amount) > Decimal("0.01"):
        raise errors.business(
            f"Amount is not equal to UnitPrice * Qty. Supplied value:{line_amount}", "Amount"
        )


def _account_detail(books: Books, sent: Any) -> Json:
    if not isinstance(sent, dict):
        raise errors.invalid("2010", f"Property {ACCOUNT}: an object is expected", ACCOUNT)
    account = reference(books, "Account", sent.get("AccountRef"), "AccountRef")
    return clean(
        {
            "AccountRef": ref_to(account),
            "TaxCodeRef": _tax_code(books, sent),
            "ClassRef": _optional(books, "Class", sent.get("ClassRef"), "ClassRef"),
            "CustomerRef": _optional(books, "Customer", sent.get("CustomerRef"), "CustomerRef"),
            "BillableStatus": _billable(sent),
        }
    )


def _tax_code(books: Books, sent: Json) -> Json | None:
    wanted = ref_id(sent.get("TaxCodeRef"))
    if wanted is None or books.company.is_us:
        return {"value": wanted} if wanted else None
    return {"value": reference(books, "TaxCode", wanted, "TaxCodeRef").entity_id}


def _billable(sent: Json) -> str:
    status = sent.get("BillableStatus") or "NotBillable"
    if status not in BILLABLE:
        raise errors.invalid("2010", f"Invalid BillableStatus {status}", "BillableStatus")
    return str(status)


def _optional(books: Books, entity: str, value: Any, element: str) -> Json | None:
    if ref_id(value) is None:
        return None
    return ref_to(reference(books, entity, value, element))


def _doc_number(books: Books, doc: Json, old: QboEntity | None) -> str | None:
    number_sent = text(doc.get("DocNumber"), "DocNumber", 21)
    if number_sent is None and old is None:
        return str(books.next_number("DocNumber:PurchaseOrder", start=1001))
    return number_sent if number_sent is not None else old.data.get("DocNumber") if old else None


def _day(value: Any, element: str) -> str | None:
    if value in (None, ""):
        return None
    parsed = clock.parse_day(value)
    if parsed is None:
        raise errors.invalid("2010", f"Property {element}: {value!r} is not a date", element)
    return parsed.isoformat()
