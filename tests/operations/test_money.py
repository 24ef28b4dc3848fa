from __future__ import annotations

from decimal import Decimal

import pytest

from operations.templatetags.money import money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234.5"), "GBP", "1,234.50 GBP"),
        (Decimal("0"), "EUR", "0.00 EUR"),
        (Decimal("-12.345"), "USD", "-12.35 USD"),
        (Decimal("7"), "", "7.00"),
        (None, "GBP", ""),
        ("not money", "GBP", ""),
    ],
)
def test_money_has_two_decimals_grouping_and_the_currency_code(amount, currency, shown) -> None:
    assert money(amount, currency) == shown
