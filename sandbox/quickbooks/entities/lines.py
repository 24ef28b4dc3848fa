"""Lines of sales transactions: item lines and description lines, numbered by the server,
with the SubTotalLineDetail line QuickBooks appends.
https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.core.params import whole_number
from sandbox.quickbooks import errors
from sandbox.quickbooks.entities import tax
from sandbox.quickbooks.entities.common import (
    amount,
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
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
ITEM = "SalesItemLineDetail"
DESCRIPTION = "DescriptionOnly"
SUBTOTAL = "SubTotalLineDetail"
DEFAULT_ITEM = "1"  # "Services", which QuickBooks uses when a line names no item


@dataclass
class Lines:
    lines: list[Json]
    subtotal: Decimal
    taxed: list[tax.Taxed]


def sales_lines(books: Books, sent: Any, old: list[Json]) -> Lines:
    if not isinstance(sent, list) or not sent:
        raise errors.required("Line")
    kept_ids = {str(line.get("Id")) for line in old if line.get("Id")}
    next_id = max((n for n in map(whole_number, kept_ids) if n is not None), default=0) + 1
    result = Lines([], Decimal(0), [])
    for raw in sent:
        if not isinstance(raw, dict):
            raise errors.invalid("2010", "Property Line: an object is expected", "Line")
        if raw.get("DetailType") == SUBTOTAL:
            continue  # the server's own line, sent back by a client: recomputed below
        line_id = str(raw.get("Id") or "")
        if line_id not in kept_ids:
            line_id, next_id = str(next_id), next_id + 1
        line = _line(books, raw, result)
        result.lines.append({"Id": line_id, "LineNum": len(result.lines) + 1, **line})
    if not result.lines:
        raise errors.required("Line")
    result.lines.append({"Amount": amount(result.subtotal), "DetailType": SUBTOTAL, SUBTOTAL: {}})
    return result


def _line(books: Books, raw: Json, result: Lines) -> Json:
    detail_type = raw.get("DetailType")
    if not detail_type:
        raise errors.required("Line.DetailType")
    description = text(raw.get("Description"), "Line.Description", 4000)
    if detail_type == DESCRIPTION:
        detail = raw.get("DescriptionLineDetail") or {}
        return clean(
            {
                "Description": description,
                "DetailType": DESCRIPTION,
                "DescriptionLineDetail": clean({"ServiceDate": detail.get("ServiceDate")}),
            }
        )
    if detail_type != ITEM:
        raise errors.invalid(
            "2010", f"Line DetailType {detail_type} is not supported by the sandbox", "DetailType"
        )
    line_amount = money(required_decimal(raw.get("Amount"), "Line.Amount"))
    detail = _item_detail(books, raw.get(ITEM) or {}, line_amount, result)
    result.subtotal += line_amount
    return clean(
        {
            "Description": description,
            "Amount": amount(line_amount),
            "DetailType": ITEM,
            ITEM: detail,
        }
    )


def _item_detail(books: Books, sent: Json, line_amount: Decimal, result: Lines) -> Json:
    if not isinstance(sent, dict):
        raise errors.invalid("2010", "Property SalesItemLineDetail: an object is expected", ITEM)
    item = reference(books, "Item", sent.get("ItemRef") or {"value": DEFAULT_ITEM}, "ItemRef")
    quantity = decimal(sent.get("Qty"), "Qty")
    unit_price = decimal(sent.get("UnitPrice"), "UnitPrice")
    if quantity is not None and unit_price is not None:
        if abs(money(quantity * unit_price) - line_amount) > Decimal("0.01"):
            raise errors.business(
                f"Amount is not equal to UnitPrice * Qty. Supplied value:{line_amount}", "Amount"
            )
    elif quantity is not None and quantity != 0:
        unit_price = line_amount / quantity
    elif unit_price is not None and unit_price != 0:
        quantity = line_amount / unit_price
    code = tax.line_code(books, sent, item)
    result.taxed.append(tax.Taxed(line_amount, code))
    detail: Json = {
        "ItemRef": ref_to(item),
        "ClassRef": _optional_ref(books, "Class", sent.get("ClassRef"), "ClassRef"),
        "UnitPrice": number(unit_price.normalize()) if unit_price is not None else None,
        "Qty": number(quantity.normalize()) if quantity is not None else None,
        "ItemAccountRef": item.data.get("IncomeAccountRef"),
        "TaxCodeRef": {"value": code},
        "ServiceDate": text(sent.get("ServiceDate"), "ServiceDate"),
    }
    return clean(detail)


def _optional_ref(books: Books, entity: str, value: Any, element: str) -> Json | None:
    if ref_id(value) is None:
        return None
    return ref_to(reference(books, entity, value, element))
