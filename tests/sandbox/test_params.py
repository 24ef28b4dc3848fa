"""The sandbox reads whole numbers as ASCII digits: "²" passes str.isdigit(), not int()."""

from __future__ import annotations

import pytest

from sandbox.core.params import whole_number


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("²", None), ("-1", None), (" 1", None), ("9" * 19, None)],
)
def test_whole_numbers_are_ascii_digits_within_bigint(text: str, number: int | None) -> None:
    assert whole_number(text) == number


def test_a_query_with_a_superscript_count_is_a_parse_error() -> None:
    from sandbox.quickbooks import errors
    from sandbox.quickbooks.query import parse

    with pytest.raises(errors.Invalid):
        parse("SELECT * FROM Invoice MAXRESULTS ²")
