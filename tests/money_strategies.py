"""Hypothesis strategies for money: amounts and quantities from a penny to the bounds
(and past them), spread over every order of magnitude, and values no form should take."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from operations import money

MAX_TAX_RATE = Decimal("999.999")  # TaxCategory.rate is numeric(6, 3)


def _up_to(
    largest: Decimal, places: int, smallest: Decimal = Decimal(0)
) -> st.SearchStrategy[Decimal]:
    """Decimals in [smallest, largest] whose size is spread evenly over the digits, so
    the largest values (where overflows live) are drawn as often as the small ones."""
    step = Decimal(1).scaleb(-places)
    ceilings = [min(largest, Decimal(10) ** digits - step) for digits in range(0, 16)]
    ranged = [
        st.decimals(min_value=smallest, max_value=ceiling, places=places)
        for ceiling in ceilings
        if ceiling >= smallest
    ]
    edges = st.sampled_from([smallest, largest])
    return st.one_of(edges, *ranged)


quantities = _up_to(money.MAX_QUANTITY, 2, money.MIN_QUANTITY)
unit_prices = _up_to(money.MAX_AMOUNT, 2)
tax_rates = _up_to(MAX_TAX_RATE, 3)

# What a person or a client may type where a number belongs.
hostile_numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "1e400",
            "-1e400",
            "99999999999999999999999",
            "-0.01",
            "0.001",
            "1,000",
            "²",
            "١٢",
            "0x10",
            "NaN",
            "Infinity",
            "",
            " ",
        ]
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)
