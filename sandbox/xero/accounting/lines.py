"""Line items of invoices and credit notes: reading them, item defaults, amounts and totals.

LineAmount = Quantity x UnitAmount less DiscountRate, to the cent. Tax per line from its
TaxType's rate: added on top (Exclusive, the default), taken out of the amount
(Inclusive), or none (NoTax). A POST that sends LineItems replaces the set: lines sent
with their LineItemID keep it, lines left out are removed.
https://developer.xero.com/documentation/api/accounting/invoices#line-items
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sandbox.xero.accounting import lookups
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.models.documents import LineAmountTypes, XeroLine
from sandbox.xero.accounting.money import ZERO, cents, units
from sandbox.xero.accounting.reader import Reader

L = TypeVar("L", bound=XeroLine)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Totals:
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal


def read_lines(
    books: Books, readers: list[Reader], existing: Sequence[L], make: Callable[[], L], sales: bool
) -> list[L]:
    by_id = {line.line_item_id: line for line in existing}
    lines: list[L] = []
    for position, reader in enumerate(readers):
        wanted = reader.ident("LineItemID")
        line = by_id.pop(wanted) if wanted in by_id else make()
        _read_line(books, reader, line, sales)
        line.position = position
        lines.append(line)
    return lines


def _read_line(books: Books, reader: Reader, line: XeroLine, sales: bool) -> None:
    for key, attribute, limit in (
        ("Description", "description", 4000),
        ("ItemCode", "item_code", 30),
        ("AccountCode", "account_code", 10),
    ):
        value = reader.text(key, limit)
        if value is not None:
            setattr(line, attribute, value)
    account_id = reader.ident("AccountID")
    if account_id is not None:
        account = books.account_by_id(account_id)
        line.account_code = account.code if account else str(account_id)
    tax_type = reader.text("TaxType", 30)
    if tax_type is not None:
        line.tax_type = tax_type.upper()
    _read_amounts(books, reader, line)
    _item_defaults(books, reader, line, sales)


def _read_amounts(books: Books, reader: Reader, line: XeroLine) -> None:
    quantity, unit, amount = (
        reader.decimal(key) for key in ("Quantity", "UnitAmount", "LineAmount")
    )
    discount = reader.decimal("DiscountRate")
    if quantity is not None:
        line.quantity = units(quantity)
    if unit is not None:
        line.unit_amount = units(unit, books.unitdp)
    elif amount is not None and line.quantity:
        # Only a line total: Xero works the unit amount back from it.
        line.unit_amount = units(amount / line.quantity, books.unitdp)
    if discount is not None:
        line.discount_rate = discount


def _item_defaults(books: Books, reader: Reader, line: XeroLine, sales: bool) -> None:
    """An ItemCode fills in what the line leaves out, from the item's sales (or purchase) side."""
    item = books.item(line.item_code) if line.item_code else None
    if item is None:
        return
    side = "sales" if sales else "purchase"
    line.item_code = item.code
    if not line.description:
        line.description = item.description if sales else item.purchase_description
    price = getattr(item, f"{side}_unit_price")
    fresh = line.pk is None  # an existing line keeps the price it was given
    if (
        fresh
        and price is not None
        and not reader.has("UnitAmount")
        and not reader.has("LineAmount")
    ):
        line.unit_amount = price
    line.account_code = line.account_code or getattr(item, f"{side}_account_code")
    line.tax_type = line.tax_type or getattr(item, f"{side}_tax_type")


def line_problems(books: Books, lines: Sequence[XeroLine]) -> list[str]:
    found: list[str] = []
    for line in lines:
        if line.item_code and books.item(line.item_code) is None:
            found.append(f"Item code '{line.item_code}' is not valid.")
        found += lookups.account_problems(books, line.account_code)
        account = lookups.active_account(books, line.account_code)
        found += lookups.tax_problems(books, line.tax_type, account)
    return found


def compute(books: Books, lines: Sequence[XeroLine], amount_types: str) -> Totals:
    for line in lines:
        _compute_line(books, line, amount_types)
    gross = sum((line.line_amount for line in lines), ZERO)
    tax = sum((line.tax_amount for line in lines), ZERO)
    if amount_types == LineAmountTypes.INCLUSIVE:
        return Totals(gross - tax, tax, gross)
    return Totals(gross, tax, gross + tax)


def _compute_line(books: Books, line: XeroLine, amount_types: str) -> None:
    if not line.tax_type:
        account = books.account(line.account_code)
        line.tax_type = account.tax_type if account else "NONE"
    if amount_types == LineAmountTypes.NO_TAX:
        line.tax_type = "NONE"
    discount = (HUNDRED - (line.discount_rate or ZERO)) / HUNDRED
    line.line_amount = cents(line.quantity * line.unit_amount * discount)
    rate_row = books.tax_rates.get(line.tax_type)
    rate = rate_row.rate / HUNDRED if rate_row is not None else ZERO
    if amount_types == LineAmountTypes.INCLUSIVE:
        line.tax_amount = cents(line.line_amount - line.line_amount / (1 + rate))
    else:
        line.tax_amount = cents(line.line_amount * rate)
