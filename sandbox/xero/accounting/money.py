"""Decimal arithmetic for amounts, and amounts as JSON numbers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def units(value: Decimal, places: int = 4) -> Decimal:
    """Unit amounts keep two decimals unless the request asked for unitdp=4.
    https://developer.xero.com/documentation/api/accounting/invoices#unitdp"""
    step = UNIT if places >= 4 else CENT
    return value.quantize(step, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> float:
    return float(value)
