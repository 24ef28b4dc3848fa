"""Patchbay purchase orders <-> QuickBooks PurchaseOrder JSON (a supplier goes as a
Vendor with a customer's fields: ``mapping.customer``). Element names follow Intuit's XSD
(Finance.xsd PurchaseOrder).
https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/purchaseorder

Every line is an ``AccountBasedExpenseLineDetail`` on the expense account its expense
category maps to, its description naming the gear. An ``ItemBasedExpenseLineDetail``
would post to the *item's* own expense account instead, which Patchbay's hire items
(Service items with an income account only) do not have, and the mapping would be
ignored: so Patchbay does not send item lines.
"""

from __future__ import annotations

from typing import Any

from accounting.engine.adapter import Mappings
from accounting.providers.quickbooks.mapping import (
    DOC_NUMBER_MAX,
    US_TAX_CODES,
    _amount,
    _money,
    _text,
    ref,
)
from operations.models import PurchaseOrder

Json = dict[str, Any]
ACCOUNT_LINE = "AccountBasedExpenseLineDetail"


def purchase_order(record: PurchaseOrder, mappings: Mappings, vendor_id: str) -> Json:
    lines: list[Json] = []
    for line in record.lines.all():
        detail: Json = {"AccountRef": {"value": mappings.expense[line.expense_category_id]}}
        tax_code = mappings.tax.get(line.tax_category_id, "")
        if tax_code and tax_code not in US_TAX_CODES:  # a US purchase line takes no code
            detail["TaxCodeRef"] = {"value": tax_code}
        lines.append(
            {
                "DetailType": ACCOUNT_LINE,
                "Amount": _money(line.net_amount),
                "Description": (f"{line.quantity.normalize():f} x {line.label}")[:4000],
                ACCOUNT_LINE: detail,
            }
        )
    payload: Json = {
        "VendorRef": {"value": vendor_id},
        "DocNumber": record.number[:DOC_NUMBER_MAX],
        "TxnDate": record.order_date.isoformat(),
        "CurrencyRef": {"value": record.currency},
        "Line": lines,
        "PrivateNote": f"Patchbay purchase order {record.number}",
    }
    if record.delivery_date is not None:
        payload["ExpectedDate"] = record.delivery_date.isoformat()
    if record.notes:
        payload["Memo"] = record.notes[:4000]
    if any("TaxCodeRef" in line[ACCOUNT_LINE] for line in lines):
        payload["GlobalTaxCalculation"] = "TaxExcluded"  # Patchbay's costs are net
    return payload


def owned_purchase_order(data: Json) -> Json:
    """Who, when, which number and the lines as entered; totals, status and line Ids
    are the server's (a bookkeeper closing the order is not a conflict)."""
    lines = [line for line in data.get("Line") or [] if line.get("DetailType") == ACCOUNT_LINE]
    return {
        "vendor": ref(data.get("VendorRef")),
        "number": _text(data.get("DocNumber")),
        "date": _text(data.get("TxnDate"))[:10],
        "expected": _text(data.get("ExpectedDate"))[:10],
        "currency": ref(data.get("CurrencyRef")),
        "memo": _text(data.get("Memo")),
        "lines": [
            [
                _text(line.get("Description")),
                _amount(line.get("Amount")),
                ref((line.get(ACCOUNT_LINE) or {}).get("AccountRef")),
                ref((line.get(ACCOUNT_LINE) or {}).get("TaxCodeRef")),
            ]
            for line in lines
        ],
    }
