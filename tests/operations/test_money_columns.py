"""Amount columns load whatever a database kept, so one bad row can't take pages down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.sqlite3 import base  # noqa: F401  (imports operations without a cycle)
from django.db.backends.sqlite3.operations import DatabaseOperations

from operations.models import CreditNote, Invoice, Quote


@pytest.mark.parametrize(
    ("model", "name"),
    [(Quote, "total"), (Invoice, "total"), (Invoice, "amount_due"), (CreditNote, "total")],
)
def test_a_total_sqlite_kept_too_large_still_loads(model: type[Quote], name: str) -> None:
    """Under ``make run`` (SQLite) a quote saved before money was bounded kept a total of
    1e20, and reading it raised InvalidOperation on every quote endpoint."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
    # The converter only reads the column; any connection will do to build it.
    convert = DatabaseOperations(connection).get_decimalfield_converter(column)
    assert convert(1e20, column, connection) == Decimal("100000000000000000000.00")
    assert convert(1234.5, column, connection) == Decimal("1234.50")


def test_a_float_given_to_an_amount_keeps_its_column_precision() -> None:
    assert Invoice._meta.get_field("total").to_python(0.1) == Decimal("0.1")
