"""A record as JSON, and the seam its events leave operations by."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from operations import events, representations
from operations.money import MONEY_DIGITS, MONEY_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES
from tests import factories
from tests.conftest import Tenants

SUMMER_NOON = datetime(2025, 7, 1, 12, 0, 0, 250000, tzinfo=UTC)


def test_a_moment_in_utc_ends_in_z() -> None:
    with timezone.override(UTC):
        assert representations.moment(SUMMER_NOON) == "2025-07-01T12:00:00.250000Z"


def test_a_moment_is_shown_in_the_current_time_zone_with_its_offset() -> None:
    with timezone.override(ZoneInfo("Europe/London")):
        assert representations.moment(SUMMER_NOON) == "2025-07-01T13:00:00.250000+01:00"


def test_a_naive_moment_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError):
        representations.moment(datetime(2025, 7, 1, 12, 0))


def test_a_missing_moment_or_day_is_null() -> None:
    assert representations.moment(None) is None
    assert representations.day(None) is None
    assert representations.day(date(2025, 7, 1)) == "2025-07-01"


@pytest.mark.parametrize(
    ("value", "digits", "places", "text"),
    [
        (Decimal("100"), MONEY_DIGITS, MONEY_PLACES, "100.00"),
        (Decimal("0.005"), MONEY_DIGITS, MONEY_PLACES, "0.00"),  # half to even, as DRF rounded
        (Decimal("0.015"), MONEY_DIGITS, MONEY_PLACES, "0.02"),
        (Decimal("2.5"), QUANTITY_DIGITS, QUANTITY_PLACES, "2.50"),
        (Decimal("-3"), MONEY_DIGITS, MONEY_PLACES, "-3.00"),
        (7, MONEY_DIGITS, MONEY_PLACES, "7.00"),
        # More digits than the column holds (a row saved before money was bounded):
        (Decimal("123456789012345678.9"), MONEY_DIGITS, MONEY_PLACES, "123456789012345678.90"),
    ],
)
def test_an_amount_is_written_with_its_column_places(
    value: Decimal, digits: int, places: int, text: str
) -> None:
    assert representations.decimal_text(value, digits, places) == text


def test_each_record_an_event_carries_has_a_representation(tenants: Tenants) -> None:
    records = factories.make_every_record(tenants.alpha, "REP", tenants.crew)
    for name in ("customer", "project", "booking", "quote", "invoice", "payment"):
        data = representations.of(records[name])
        assert data["id"] == records[name].pk
    invoice = representations.of(records["invoice"])
    assert invoice["lines"][0]["unit_price"] == "100.00"


def test_a_record_no_event_carries_has_no_representation(tenants: Tenants) -> None:
    records = factories.make_every_record(tenants.alpha, "REP", tenants.crew)
    with pytest.raises(KeyError):
        representations.of(records["credit_note"])


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, dict[str, Any]]]:
    calls: list[tuple[int, str, dict[str, Any]]] = []

    def writer(organisation_id: int, event_type: str, data: dict[str, Any]) -> None:
        calls.append((organisation_id, event_type, data))

    monkeypatch.setattr(events, "_writer", writer)
    return calls


def test_emit_hands_the_writer_the_records_representation_and_extras(
    tenants: Tenants, captured: list[tuple[int, str, dict[str, Any]]]
) -> None:
    customer = factories.make_customer(tenants.alpha)
    events.emit("customer.created", customer, note="hello")
    [(organisation_id, event_type, data)] = captured
    assert (organisation_id, event_type) == (tenants.alpha.pk, "customer.created")
    assert data == {**representations.customer(customer), "note": "hello"}


def test_emitting_with_no_writer_installed_fails_loudly(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = factories.make_customer(tenants.alpha)
    monkeypatch.setattr(events, "_writer", None)
    with pytest.raises(RuntimeError, match="No event writer"):
        events.emit("customer.created", customer)
