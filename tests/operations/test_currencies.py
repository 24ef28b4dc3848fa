"""Only currencies the ledgers take: ISO 4217's circulating ones, wherever a customer or
legal entity gets its currency (the services, the API, the legal-entity form)."""

from __future__ import annotations

import pytest

from operations import services
from operations.currencies import CODES, is_currency
from operations.entity_forms import LegalEntityForm
from operations.models import Customer
from tests.api.helpers import api, make_key
from tests.conftest import Tenants


@pytest.mark.parametrize("code", ["GBP", "EUR", "USD", "JPY", "XOF", "XCD"])
def test_circulating_currencies_are_accepted(code: str) -> None:
    assert is_currency(code)


@pytest.mark.parametrize("code", ["ABC", "XXX", "XTS", "XAU", "CHE", "gbp", "", "GBPX"])
def test_codes_no_ledger_takes_are_refused(code: str) -> None:
    assert not is_currency(code)


def test_the_list_is_iso_4217s_circulating_currencies() -> None:
    assert 150 <= len(CODES) <= 170 and all(len(code) == 3 for code in CODES)


def test_the_services_refuse_a_customer_in_a_made_up_currency(tenants: Tenants) -> None:
    with pytest.raises(services.OperationError) as refused:
        services.create_customer(tenants.alpha, name="Harbour Lights", currency="ABC")
    assert refused.value.field == "currency" and "ABC is not a currency code" in str(refused.value)
    assert not Customer.objects.filter(name="Harbour Lights").exists()

    customer = services.create_customer(tenants.alpha, name="Harbour Lights", currency="EUR")
    with pytest.raises(services.OperationError):
        services.update_customer(customer, currency="XXX")
    customer.refresh_from_db()
    assert customer.currency == "EUR"


def test_the_api_refuses_a_made_up_currency_with_a_400_naming_the_field(
    tenants: Tenants,
) -> None:
    client = api(make_key(tenants.alpha)[1])
    response = client.post(
        "/api/v1/customers/", {"name": "Harbour Lights", "currency": "ABC"}, format="json"
    )
    assert response.status_code == 400
    assert "ABC is not a currency code" in str(response.json()["errors"]["currency"])
    assert not Customer.objects.filter(name="Harbour Lights").exists()


def test_a_legal_entity_cannot_keep_its_books_in_a_made_up_currency(tenants: Tenants) -> None:
    form = LegalEntityForm(tenants.alpha, {"name": "Alpha Hire Ireland", "base_currency": "abc"})
    assert not form.is_valid()
    assert "ABC is not a currency code" in str(form.errors["base_currency"])
    good = {"name": "Alpha Hire Ireland", "base_currency": "eur"}
    assert LegalEntityForm(tenants.alpha, good).is_valid()
