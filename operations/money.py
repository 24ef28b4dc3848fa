"""The bounds of money and quantities, and the arithmetic of a priced line.

Every way money comes in (the invoice pages, the REST API, the admin, the services
underneath them, model validation) checks it here, so whatever is saved can be
totalled, shown and pushed to any ledger. The bounds:

- Totals are ``numeric(14, 2)`` columns, so the largest amount Patchbay can hold is
  999,999,999,999.99. Every figure of a document (a line's net, tax and gross, the
  document's total) must fit that.
- That also fits every ledger. Xero's accounting OpenAPI types ``Quantity``,
  ``UnitAmount``, ``LineAmount`` and the totals as ``number``/``double``, and Sage's
  API sends JSON numbers: a double carries 15 significant digits exactly, and these
  amounts have at most 14. QuickBooks' XSD types ``Qty``, ``UnitPrice``, ``Amount``
  and ``TotalAmt`` as unbounded ``xs:decimal`` (specs/quickbooks/Finance.xsd), and
  Patchbay sends them as JSON numbers too.
- Quantities are ``numeric(10, 2)``: at most 99,999,999.99, more than zero.
- Amounts carry two decimal places (pennies), quantities two as well.

The arithmetic runs in a context wide enough for any stored values (rows saved
before these bounds existed included), so computing a total never raises: whether
the result fits is a separate question, answered by :func:`fits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

MONEY_DIGITS = 14
MONEY_PLACES = 2
QUANTITY_DIGITS = 10
QUANTITY_PLACES = 2

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MIN_QUANTITY = CENT
MAX_QUANTITY = Decimal("99999999.99")
# Digits a stored amount is read with: any a row (a SQLite REAL) can hold, not max_digits.
READ_DIGITS = 80

# 28 digits (Python's default) would already be short for a legacy row's quantity x
# price x tax rate; 80 covers any value the columns, or a SQLite REAL, can hold.
_WIDE = Context(prec=READ_DIGITS, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)


class OutOfBounds(ValueError):
    """An amount or quantity outside what Patchbay can hold or a ledger can take.

    ``field`` names the input the message belongs beside; ``message`` says what the
    limit is and what to do.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        with localcontext(_WIDE):
            return self.net + self.tax


def shown(amount: Decimal) -> str:
    """An amount as messages write it: grouped thousands, two decimals."""
    with localcontext(_WIDE):
        return f"{amount.quantize(CENT):,.2f}"


def fits(amount: Decimal) -> bool:
    """Whether ``amount`` is one Patchbay can store and every ledger can take."""
    return amount.is_finite() and -MAX_AMOUNT <= amount <= MAX_AMOUNT


def net_of(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net, rounded half up to the penny. Never raises for finite inputs."""
    with localcontext(_WIDE):
        return (quantity * unit_price).quantize(CENT)


def line_amounts(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineAmounts:
    """Net and tax of a line, each rounded half up to the penny (as invoices are).

    ``tax_rate`` is a percentage. Never raises for finite inputs, however large.
    """
    net = net_of(quantity, unit_price)
    with localcontext(_WIDE):
        tax = (net * tax_rate / 100).quantize(CENT)
    return LineAmounts(net=net, tax=tax)


def total_of(amounts: Iterable[LineAmounts]) -> LineAmounts:
    """The lines' net and tax, summed exactly."""
    net = tax = ZERO
    with localcontext(_WIDE):
        for line in amounts:
            net += line.net
            tax += line.tax
    return LineAmounts(net=net, tax=tax)


def check_quantity(quantity: Decimal) -> None:
    if not quantity.is_finite() or quantity < MIN_QUANTITY:
        raise OutOfBounds("Enter a quantity of at least 0.01.", field="quantity")
    if quantity > MAX_QUANTITY:
        raise OutOfBounds(f"Enter a quantity of at most {shown(MAX_QUANTITY)}.", field="quantity")
    if _places(quantity) > QUANTITY_PLACES:
        raise OutOfBounds("Enter a quantity with at most two decimal places.", field="quantity")


def check_amount(amount: Decimal, *, field: str, what: str = "an amount") -> None:
    """A single amount entered by a person: a unit price, a payment."""
    if not amount.is_finite() or amount < 0:
        raise OutOfBounds(f"Enter {what} of zero or more.", field=field)
    if amount > MAX_AMOUNT:
        raise OutOfBounds(f"Enter {what} of at most {shown(MAX_AMOUNT)}.", field=field)
    if _places(amount) > MONEY_PLACES:
        raise OutOfBounds(f"Enter {what} with at most two decimal places.", field=field)


def check_line(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineAmounts:
    """The line's amounts, if the line and what it comes to fit; else OutOfBounds."""
    check_quantity(quantity)
    check_amount(unit_price, field="unit_price", what="a unit price")
    amounts = line_amounts(quantity, unit_price, tax_rate)
    if not fits(amounts.gross):
        raise OutOfBounds(
            f"This line comes to {shown(amounts.gross)} with tax, more than the "
            f"{shown(MAX_AMOUNT)} a line can come to. Lower the quantity or the unit "
            "price, or split the line across documents.",
            field="unit_price",
        )
    return amounts


def check_total(total: Decimal, what: str = "document") -> None:
    """A whole document's total, once each of its lines fits."""
    if not fits(total):
        raise OutOfBounds(
            f"The lines of this {what} come to {shown(total)} with tax, more than the "
            f"{shown(MAX_AMOUNT)} one {what} can come to. Remove lines or split them "
            f"across several {what}s.",
            field="lines",
        )


def _places(value: Decimal) -> int:
    exponent = value.normalize(_WIDE).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def ledger_refusal(kind: str, name: str, total: Decimal, nets: Iterable[Decimal]) -> str | None:
    """Why a saved document can't be sent to a ledger, or None when it can.

    Only documents saved before these bounds existed can fail this: their lines or
    total are shown as they are, but a ledger would refuse or mangle them.
    """
    largest = max((abs(net) for net in nets), default=ZERO)
    if fits(total) and fits(largest):
        return None
    worst = largest if not fits(largest) else total
    return (
        f"{kind} {name} was not sent: it comes to {shown(worst)}, more than the "
        f"{shown(MAX_AMOUNT)} a ledger takes (it was saved before Patchbay bounded "
        f"amounts). Credit or change it so it stays within that; it is sent on the "
        f"next sync after."
    )
