"""The schema documents exactly the fields a response carries.

Serializers declare the fields (the OpenAPI schema is generated from them) while
``operations.representations`` writes the output: the two lists must not drift.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.serializers import Serializer

from api import serializers as api
from operations import representations
from tests import factories
from tests.conftest import Tenants

RECORDS: list[tuple[type[Serializer[Any]], str]] = [
    (api.CustomerSerializer, "customer"),
    (api.ProjectSerializer, "project"),
    (api.BookingSerializer, "booking"),
    (api.QuoteSerializer, "quote"),
    (api.InvoiceSerializer, "invoice"),
    (api.PaymentSerializer, "payment"),
]


@pytest.mark.parametrize(("serializer", "name"), RECORDS)
def test_a_records_documented_fields_are_the_fields_it_is_written_with(
    tenants: Tenants, serializer: type[Serializer[Any]], name: str
) -> None:
    record = factories.make_every_record(tenants.alpha, "REP", tenants.crew)[name]
    written = serializer(record).data
    assert list(written) == list(serializer().fields)
    assert written == representations.of(record)


def test_nested_lines_and_references_document_the_fields_they_are_written_with(
    tenants: Tenants,
) -> None:
    records = factories.make_every_record(tenants.alpha, "REP", tenants.crew)
    line = records["invoice"].lines.get()
    assert list(representations.line(line)) == list(api.LineSerializer().fields)
    assert list(representations.reference(records["item"])) == list(api.Reference().fields)
