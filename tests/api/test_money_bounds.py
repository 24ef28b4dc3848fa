"""Money the API accepts is money every endpoint can show; the rest is a field error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from operations import money
from operations.models import IncomeCategory, Quote, QuoteLine, TaxCategory
from tests import factories
from tests.api.helpers import api, elevate, make_key
from tests.conftest import Tenants
from tests.money_strategies import hostile_numbers, quantities, tax_rates, unit_prices

QUOTES = "/api/v1/quotes/"


def _line(tenants: Tenants, quantity: str, unit_price: str) -> dict[str, object]:
    return {
        "description": "PA hire",
        "quantity": quantity,
        "unit_price": unit_price,
        "tax_category": factories.make_tax(tenants.alpha, f"Tax {quantity} {unit_price}").pk,
        "income_category": factories.make_income(tenants.alpha, f"Hire {quantity}").pk,
    }


def _post_quote(tenants: Tenants, *lines: dict[str, object]) -> tuple[APIClient, Any]:
    client = api(make_key(tenants.alpha)[1])
    body = {"customer": factories.make_customer(tenants.alpha).pk, "lines": list(lines)}
    return client, client.post(QUOTES, body, format="json")


def test_a_line_too_large_to_total_is_refused_beside_its_unit_price(tenants: Tenants) -> None:
    client, response = _post_quote(tenants, _line(tenants, "99999999.99", "999999999999.99"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [message] = response.json()["errors"]["lines[0].unit_price"]
    assert "999,999,999,999.99" in message
    assert not Quote.objects.exists()
    assert client.get(QUOTES).status_code == 200


def test_lines_that_fit_alone_but_not_together_are_refused_naming_lines(
    tenants: Tenants,
) -> None:
    half = _line(tenants, "1", "600000000000.00")
    _, response = _post_quote(tenants, half, {**half, "description": "Second half"})
    assert response.status_code == 400
    assert "lines" in response.json()["errors"]
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "unit_price", "field"),
    [
        ("100000000", "1", "lines[0].quantity"),
        ("1", "1000000000000", "lines[0].unit_price"),
        ("0", "1", "lines[0].quantity"),
        ("1", "-0.01", "lines[0].unit_price"),
        ("1", "1.001", "lines[0].unit_price"),
        ("1e400", "1", "lines[0].quantity"),
        ("NaN", "1", "lines[0].quantity"),
    ],
)
def test_quantities_and_prices_out_of_bounds_are_field_errors(
    tenants: Tenants, quantity: str, unit_price: str, field: str
) -> None:
    _, response = _post_quote(tenants, _line(tenants, quantity, unit_price))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_largest_quote_that_fits_is_saved_and_shown(tenants: Tenants) -> None:
    # 20% tax on 833,333,333,333.32 brings it to 999,999,999,999.98.
    client, response = _post_quote(tenants, _line(tenants, "1", "833333333333.32"))
    assert response.status_code == 201
    assert response.json()["total"] == "999999999999.98"
    assert client.get(QUOTES).status_code == 200


def test_a_quote_saved_out_of_bounds_before_the_fix_is_still_shown(tenants: Tenants) -> None:
    """Rows saved before money was bounded (e.g. lines added in the admin) still show,
    with what their lines really come to, and approving one is refused with a reason."""
    quote = factories.make_quote(tenants.alpha)
    QuoteLine.objects.filter(quote=quote).update(
        quantity=Decimal("99999999.99"), unit_price=Decimal("999999999999.99")
    )
    client = api(make_key(tenants.alpha)[1])
    listed = client.get(QUOTES)
    assert listed.status_code == 200
    shown = client.get(f"{QUOTES}{quote.pk}/")
    assert shown.status_code == 200
    assert shown.json()["lines"][0]["net_amount"] == "99999999989999000000.00"
    approve = client.post(f"{QUOTES}{quote.pk}/approve/")
    assert approve.status_code == 409
    assert "999,999,999,999.99" in approve.json()["detail"]
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DRAFT


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quantity=st.one_of(quantities.map(str), hostile_numbers),
    unit_price=st.one_of(unit_prices.map(str), hostile_numbers),
    rate=tax_rates,
)
def test_a_quote_the_api_accepts_is_shown_and_approved_and_a_refusal_names_the_field(
    tenants: Tenants, quantity: str, unit_price: str, rate: Decimal
) -> None:
    key, secret = make_key(tenants.alpha)
    elevate(key)
    client = api(secret)
    tax, _ = TaxCategory.objects.get_or_create(
        organisation=tenants.alpha, name=f"Tax {rate}", defaults={"rate": rate}
    )
    income, _ = IncomeCategory.objects.get_or_create(organisation=tenants.alpha, name="Hire")
    line = {
        "description": "Hire",
        "quantity": quantity,
        "unit_price": unit_price,
        "tax_category": tax.pk,
        "income_category": income.pk,
    }
    customer = factories.make_customer(tenants.alpha)
    response = client.post(QUOTES, {"customer": customer.pk, "lines": [line]}, format="json")
    if response.status_code == 201:
        quote = response.json()
        assert money.fits(Decimal(quote["total"]))
        assert client.get(QUOTES).status_code == 200
        assert client.get(f"{QUOTES}{quote['id']}/").status_code == 200
        assert client.post(f"{QUOTES}{quote['id']}/approve/").status_code == 200
    else:
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        fields = set(response.json().get("errors", {}))
        assert fields <= {"lines[0].quantity", "lines[0].unit_price"}, fields
