"""Money as people read it: two decimals, grouped thousands, then the currency code."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from operations.models import CENT

register = template.Library()


@register.filter
def money(amount: Decimal | int | str | None, currency: str = "") -> str:
    # Formatted here rather than with floatformat so the page never depends on locale
    # settings: "1,234.50 GBP" reads the same for every organisation.
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"
    return f"{text} {currency}" if currency else text
