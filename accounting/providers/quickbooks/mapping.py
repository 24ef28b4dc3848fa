"""Patchbay records <-> QuickBooks Online JSON. Element names follow Intuit's XSD
(specs/quickbooks/Finance.xsd, IntuitNamesTypes.xsd).

How Patchbay's categories land in QuickBooks (a decision, see docs/providers/quickbooks.md):

- A QuickBooks sales line (``SalesItemLineDetail``) must name an item, and its revenue goes
  to *that item's* income account: a line carries no account of its own. Bookkeepers map
  each Patchbay income category to an income account (``Income`` or ``Other Income``), as
  in Xero and Sage; the adapter then names, on every line of that category, a ``Service``
  item Patchbay keeps for that account ("Patchbay - <account name>", Sku
  ``PB-INCOME-<account Id>``), found by its Sku or made once. The line's description says
  what was hired. Mappings saved before this (``"<item Id>:<account Id>"``, a product or
  service chosen directly) keep naming their item.
- Tax categories map to tax codes: ``TAX``/``NON`` in US companies (automated sales tax
  picks the rate), a VAT code Id elsewhere, on every line.
- Equipment items sync both ways as the company's product list, created with the income
  account of the organisation's first mapped income category: hired equipment as
  ``Service`` items, equipment sold as stock as ``Inventory`` items (quantity on hand,
  inventory asset and cost of goods sold accounts from the mappings). ``NonInventory``
  and ``Inventory`` items made in QuickBooks come in too, ``Inventory`` ones as stock.
- Classes and locations are optional mappings: a class per income category goes on each
  line of that category (``SalesItemLineDetail.ClassRef``), the connection's location on
  the header of every invoice, credit memo and estimate (``DepartmentRef``).
- Approved quotes are Estimates, their lines made exactly like an invoice's, marked
  ``Accepted`` (Patchbay approved them) when created; after that the estimate's status is
  the bookkeeper's (an estimate turned into an invoice is ``Closed``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounting.engine.adapter import (
    IncomingPayment,
    LedgerInvoice,
    LedgerState,
    Mappings,
    Remote,
    Removal,
)
from accounting.models import Entity
from operations.models import (
    CreditNote,
    Customer,
    DocumentLine,
    EquipmentItem,
    Invoice,
    Payment,
    Quote,
)

Json = dict[str, Any]
ITEM_LINE = "SalesItemLineDetail"
# US companies use these two codes on lines; other regions a tax code per line.
US_TAX_CODES = ("TAX", "NON")
DOC_NUMBER_MAX = 21  # Intuit's limit on DocNumber
NAME_MAX = 100  # Item.Name
DISPLAY_NAME_MAX = 500  # Customer.DisplayName


# A service item Patchbay keeps for an income account carries this Sku and this name.
SERVICE_SKU = "PB-INCOME-"
SERVICE_NAME = "Patchbay - {account}"


def line_item(code: str) -> str:
    """The item Id of a mapping saved before income accounts were offered
    ("<item Id>:<account Id>")."""
    return code.split(":", 1)[0]


def income_account(code: str) -> str:
    """The income account of a mapping: the code itself, or the account part of an
    earlier "<item Id>:<account Id>" code."""
    return code.rsplit(":", 1)[-1]


def is_item_mapping(code: str) -> bool:
    """Whether a mapping names a product/service (saved before accounts were offered)."""
    return ":" in code


def service_sku(account_id: str) -> str:
    return f"{SERVICE_SKU}{account_id}"


def service_account(data: Json) -> str:
    """The income account a service item Patchbay made stands for, or "" for any other
    item (the bookkeeper's own products and services)."""
    sku = _text(data.get("Sku"))
    return sku.removeprefix(SERVICE_SKU) if sku.startswith(SERVICE_SKU) else ""


def service_item(account_id: str, account_name: str) -> Json:
    """The Service item whose sales go to an income account."""
    return {
        "Name": _name(SERVICE_NAME.format(account=account_name), NAME_MAX),
        "Sku": service_sku(account_id),
        "Type": "Service",
        "Description": "Sales Patchbay records to this income account",
        "IncomeAccountRef": {"value": account_id},
    }


def _name(value: str, limit: int) -> str:
    # QuickBooks uses ":" to join parent and child names: a name may not contain one.
    return value.replace(":", "-").strip()[:limit]


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _number(value: Decimal) -> float:
    return float(value)


# --- Patchbay -> QuickBooks ---------------------------------------------------------------


def customer(record: Customer) -> Json:
    payload: Json = {
        "DisplayName": _name(record.name, DISPLAY_NAME_MAX),
        # AcctNum is free for the app: it carries Patchbay's id, so a later first sight
        # of this customer links it instead of matching by name.
        "AcctNum": f"PB-{record.pk}",
        "CurrencyRef": {"value": record.currency},
    }
    if record.email:
        payload["PrimaryEmailAddr"] = {"Address": record.email}
    if record.billing_address:
        payload["BillAddr"] = {"Line1": record.billing_address[:500]}
    return payload


@dataclass(frozen=True)
class StockAccounts:
    """Account Ids an Inventory item needs besides its income account."""

    asset: str = ""
    cost_of_sales: str = ""


def item(record: EquipmentItem, account_id: str, stock: StockAccounts | None = None) -> Json:
    payload: Json = {
        "Name": _name(record.name, NAME_MAX),
        "Sku": (record.sku or f"PB-{record.pk}")[:100],
        "Description": (record.description or record.name)[:4000],
        "Type": "Service",  # equipment on hire is a service
        "UnitPrice": _money(record.daily_rate),
    }
    if account_id:
        payload["IncomeAccountRef"] = {"value": account_id}
    if record.sold_as_stock:
        payload |= _inventory(record, stock or StockAccounts())
    return payload


def _inventory(record: EquipmentItem, stock: StockAccounts) -> Json:
    """Stock sold: QuickBooks tracks its quantity from today, the day it learns of it;
    from then on sales and purchases in QuickBooks move it (never sent on update)."""
    fields: Json = {
        "Type": "Inventory",
        "TrackQtyOnHand": True,
        "QtyOnHand": record.stock_quantity,
        "InvStartDate": timezone.localdate().isoformat(),
    }
    if stock.asset:
        fields["AssetAccountRef"] = {"value": stock.asset}
    if stock.cost_of_sales:
        fields["ExpenseAccountRef"] = {"value": stock.cost_of_sales}  # cost of goods sold
    return fields


def _tax_mode(codes: Iterable[str]) -> dict[str, str]:
    """Patchbay's amounts are net, tax on top. US companies have no such setting."""
    if any(code in US_TAX_CODES for code in codes):
        return {}
    return {"GlobalTaxCalculation": "TaxExcluded"}


def _lines(lines: Iterable[DocumentLine], mappings: Mappings) -> list[Json]:
    made = []
    for line in lines:
        detail: Json = {
            "ItemRef": {"value": line_item(mappings.income.get(line.income_category_id, ""))},
            "Qty": _number(line.quantity),
            "UnitPrice": _number(line.unit_price),
        }
        tax_code = mappings.tax.get(line.tax_category_id, "")
        if tax_code:
            detail["TaxCodeRef"] = {"value": tax_code}
        class_id = mappings.classes.get(line.income_category_id, "")
        if class_id:
            detail["ClassRef"] = {"value": class_id}
        made.append(
            {
                "DetailType": ITEM_LINE,
                "Amount": _money(line.net_amount),
                "Description": (line.label or "Hire")[:4000],
                ITEM_LINE: detail,
            }
        )
    return made


def _document(
    number: str, currency: str, issued: date, contact_id: str, lines: list[Json], location: str
) -> Json:
    codes = [str((line[ITEM_LINE].get("TaxCodeRef") or {}).get("value", "")) for line in lines]
    payload: Json = {
        "CustomerRef": {"value": contact_id},
        "DocNumber": number[:DOC_NUMBER_MAX],
        "TxnDate": issued.isoformat(),
        # The customer's currency; QuickBooks applies its exchange rate for the day.
        "CurrencyRef": {"value": currency},
        "Line": lines,
        **_tax_mode(codes),
    }
    if location:  # a Department: one per transaction, on the header
        payload["DepartmentRef"] = {"value": location}
    return payload


def invoice(record: Invoice, mappings: Mappings, contact_id: str) -> Json:
    lines = _lines(record.lines.all(), mappings)
    payload = _document(
        record.number, record.currency, record.issue_date, contact_id, lines, mappings.location
    )
    payload["DueDate"] = record.due_date.isoformat()
    return payload


def credit_memo(record: CreditNote, mappings: Mappings, contact_id: str) -> Json:
    lines = _lines(record.lines.all(), mappings)
    return _document(
        record.number, record.currency, record.issue_date, contact_id, lines, mappings.location
    )


def estimate(record: Quote, mappings: Mappings, contact_id: str) -> Json:
    lines = _lines(record.lines.all(), mappings)
    payload = _document(
        record.number, record.currency, record.issue_date, contact_id, lines, mappings.location
    )
    if record.expiry_date is not None:
        payload["ExpirationDate"] = record.expiry_date.isoformat()
    payload["TxnStatus"] = "Accepted"  # only approved quotes are pushed
    return payload


def payment(record: Payment, account_id: str, invoice_id: str, contact_id: str) -> Json:
    """Money received against one invoice, deposited to the mapped account (a bank or
    Undeposited Funds): one line whose LinkedTxn names the invoice.
    https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment"""
    amount = _money(record.amount)
    payload: Json = {
        "CustomerRef": {"value": contact_id},
        "TotalAmt": amount,
        "TxnDate": record.paid_on.isoformat(),
        "DepositToAccountRef": {"value": account_id},
        "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
        "PrivateNote": f"Patchbay payment {record.pk}",
    }
    if record.reference:
        payload["PaymentRefNum"] = record.reference[:21]  # QuickBooks' limit
    return payload


def credit_applied(
    note: CreditNote, credit: Decimal, invoice_id: str, memo_id: str, contact_id: str
) -> Json:
    """A credit memo applied to an invoice: a Payment of nothing whose two lines link the
    invoice (paid by the credit) and the credit memo (used up by it)."""
    amount = _money(credit)
    return {
        "CustomerRef": {"value": contact_id},
        "TotalAmt": 0,
        "TxnDate": note.issue_date.isoformat(),
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]},
            {"Amount": amount, "LinkedTxn": [{"TxnId": memo_id, "TxnType": "CreditMemo"}]},
        ],
        "PrivateNote": f"Patchbay {note.number} applied",
    }


def ledger_state(data: Json) -> LedgerState:
    """QuickBooks posts every invoice: open, part-paid or paid by its Balance."""
    total = Decimal(str(data.get("TotalAmt") or 0))
    balance = Decimal(str(data.get("Balance", data.get("RemainingCredit", total)) or 0))
    status = "paid" if balance <= 0 else "partially_paid" if balance < total else "issued"
    word = "Paid" if balance <= 0 else "Partially paid" if balance < total else "Open"
    if "Voided" in _text(data.get("PrivateNote")) and total == 0:
        status, word = "void", "Voided"
    return LedgerState(total=total, amount_due=balance, status=status, ledger_status=word)


# What an update sends besides Id and SyncToken (sparse: everything else is left alone).
# An item's type and accounts are the bookkeeper's once it exists (QuickBooks does not
# change an item's type), and a stock item's quantity is QuickBooks' (its sales and
# purchases move it); so is an estimate's status (accepted, closed by an invoice).
NOT_UPDATED = {
    "Item": (
        "Type",
        "IncomeAccountRef",
        "AssetAccountRef",
        "ExpenseAccountRef",
        "TrackQtyOnHand",
        "QtyOnHand",
        "InvStartDate",
    ),
    "Estimate": ("TxnStatus",),
}


def for_update(name: str, payload: Json, remote_id: str, sync_token: str) -> Json:
    kept = {k: v for k, v in payload.items() if k not in NOT_UPDATED.get(name, ())}
    return {**kept, "Id": remote_id, "SyncToken": sync_token, "sparse": True}


# --- the fields Patchbay owns, from a payload or a record read back ------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _amount(value: Any) -> str:
    return format(Decimal(str(value or 0)).normalize(), "f")


def ref(value: Any) -> str:
    return _text((value or {}).get("value")) if isinstance(value, dict) else ""


def owned_customer(data: Json) -> Json:
    return {
        "name": _text(data.get("DisplayName")),
        "email": _text((data.get("PrimaryEmailAddr") or {}).get("Address")).lower(),
        "currency": ref(data.get("CurrencyRef")),
    }


def owned_item(data: Json) -> Json:
    return {
        "name": _text(data.get("Name")),
        "sku": _text(data.get("Sku")),
        "unit_price": _amount(data.get("UnitPrice")),
    }


def owned_document(data: Json) -> Json:
    """Invoice, credit memo or estimate: who, when, which number and the lines as entered.
    The server's SubTotalLineDetail line, totals, balance, line Ids and an estimate's
    status stay out. A field only some documents have (an expiry date, a location, a
    line's class) is left out when empty, so adding it did not change the fingerprint of
    documents pushed before."""
    lines = [line for line in data.get("Line") or [] if line.get("DetailType") == ITEM_LINE]
    owned: Json = {
        "customer": ref(data.get("CustomerRef")),
        "number": _text(data.get("DocNumber")),
        "date": _text(data.get("TxnDate"))[:10],
        "due_date": _text(data.get("DueDate"))[:10],
        "currency": ref(data.get("CurrencyRef")),
        "lines": [_owned_line(line) for line in lines],
    }
    expires = _text(data.get("ExpirationDate"))[:10]
    if expires:
        owned["expires"] = expires
    location = ref(data.get("DepartmentRef"))
    if location:
        owned["location"] = location
    return owned


def _owned_line(line: Json) -> list[str]:
    detail = line.get(ITEM_LINE) or {}
    owned = [
        _text(line.get("Description")),
        _amount(detail.get("Qty")),
        _amount(detail.get("UnitPrice")),
        ref(detail.get("ItemRef")),
        ref(detail.get("TaxCodeRef")),
    ]
    class_id = ref(detail.get("ClassRef"))
    return [*owned, class_id] if class_id else owned


# --- QuickBooks -> Patchbay ---------------------------------------------------------------


def customer_fields(remote: Remote) -> Json:
    data = remote.data
    fields: Json = {
        "name": _text(data.get("DisplayName"))[:200],
        "email": _text((data.get("PrimaryEmailAddr") or {}).get("Address"))[:254],
    }
    currency = ref(data.get("CurrencyRef"))
    if currency:
        fields["currency"] = currency
    return fields


def item_fields(remote: Remote) -> Json:
    data = remote.data
    fields: Json = {
        "name": (_text(data.get("Name")) or _text(data.get("Sku")))[:200],
        "sku": _text(data.get("Sku"))[:60],
        "description": _text(data.get("Description")),
        "daily_rate": Decimal(_amount(data.get("UnitPrice"))).quantize(Decimal("0.01")),
    }
    if data.get("Type") == "Inventory":  # stock sold, with QuickBooks' quantity on hand
        fields["stock_quantity"] = max(0, int(Decimal(str(data.get("QtyOnHand") or 0))))
        fields["sold_as_stock"] = True
    return fields


def patchbay_id(value: Any) -> int | None:
    """Patchbay's id from an AcctNum or Sku it pushed ("PB-42")."""
    match = re.fullmatch(r"PB-(\d+)", _text(value))
    return int(match[1]) if match else None


def moment(value: Any) -> datetime:
    """A MetaData time ("2026-05-04T02:15:01-07:00") in UTC."""
    text = _text(value)
    if not text:
        return datetime.fromtimestamp(0, tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def remote(data: Json) -> Remote:
    return Remote(
        remote_id=str(data["Id"]),
        version=_text(data.get("SyncToken")),
        updated_at=moment((data.get("MetaData") or {}).get("LastUpdatedTime")),
        data=data,
        # Name lists are never deleted, only made inactive; transactions come as stubs.
        deleted=data.get("status") == "Deleted" or data.get("Active") is False,
    )


def removal(entity: str, data: Json) -> Removal | None:
    """A document CDC reports deleted (a stub) or voided (kept, zeroed); None otherwise."""
    at = moment((data.get("MetaData") or {}).get("LastUpdatedTime"))
    if data.get("status") == "Deleted":
        return Removal(entity, str(data["Id"]), "deleted", at)
    if entity == Entity.INVOICE and ledger_state(data).status == "void":
        return Removal(entity, str(data["Id"]), "voided", at)
    return None


def payments(data: Json) -> list[IncomingPayment]:
    """One incoming payment per invoice a QuickBooks payment applies to (a payment may
    settle several); the remote id names the payment, and the invoice when there are
    several."""
    base = remote(data)
    links = [
        (line, link)
        for line in data.get("Line") or []
        for link in line.get("LinkedTxn") or []
        if link.get("TxnType") == "Invoice"
    ]
    paid_on = date.fromisoformat(_text(data.get("TxnDate"))[:10] or "1970-01-01")
    reference = _text(data.get("PaymentRefNum")) or _text(data.get("PrivateNote"))
    if base.deleted and not links:
        return [
            IncomingPayment(
                base.remote_id, "", Decimal(0), paid_on, "", base.updated_at, deleted=True
            )
        ]
    return [
        IncomingPayment(
            remote_id=base.remote_id if len(links) == 1 else f"{base.remote_id}/{link['TxnId']}",
            invoice_remote_id=str(link.get("TxnId", "")),
            amount=Decimal(str(line.get("Amount") or 0)),
            paid_on=paid_on,
            reference=reference,
            updated_at=base.updated_at,
            deleted=base.deleted,
        )
        for line, link in links
    ]


def ledger_invoice(data: Json) -> LedgerInvoice:
    """An invoice as CDC or a query returns it, for the ledger mirror; a deleted one is a
    stub (Id, status, MetaData) and reads as deleted."""
    at = moment((data.get("MetaData") or {}).get("LastUpdatedTime"))
    if data.get("status") == "Deleted":
        return LedgerInvoice(
            str(data["Id"]), "", "", None, None, "", Decimal(0), Decimal(0), "deleted", at
        )
    state = ledger_state(data)
    dated, due = _text(data.get("TxnDate"))[:10], _text(data.get("DueDate"))[:10]
    return LedgerInvoice(
        remote_id=str(data["Id"]),
        contact_remote_id=_text((data.get("CustomerRef") or {}).get("value")),
        number=_text(data.get("DocNumber")),
        issued_on=date.fromisoformat(dated) if dated else None,
        due_on=date.fromisoformat(due) if due else None,
        currency=_text((data.get("CurrencyRef") or {}).get("value")),
        total=state.total,
        amount_due=state.amount_due,
        status=state.status,
        updated_at=at,
    )
