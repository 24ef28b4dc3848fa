"""Properties of money: whatever the bounds, forms and services accept totals, renders and
maps to every ledger's payload; whatever they refuse is a field error, never a 500."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounting.engine.adapter import Mappings
from accounting.providers.quickbooks import mapping as quickbooks
from accounting.providers.sage import mapping as sage
from accounting.providers.xero import mapping as xero
from operations import money, services
from operations.models import IncomeCategory, Invoice, TaxCategory
from operations.services import LineInput, OperationError
from tenancy.models import Organisation
from tests import factories
from tests.conftest import Tenants, client_for
from tests.money_strategies import hostile_numbers, quantities, tax_rates, unit_prices

WITH_DB = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NO_MAPPINGS = Mappings(income={}, tax={}, payment_account="")
lines_of = st.lists(st.tuples(quantities, unit_prices), min_size=1, max_size=3)


def _exact_as_double(value: Decimal) -> bool:
    """Xero and Sage take JSON numbers (doubles): the amount must survive one unchanged."""
    return Decimal(repr(float(value))) == value


@settings(max_examples=500)
@given(quantity=quantities, unit_price=unit_prices, rate=tax_rates)
def test_a_line_the_bounds_accept_fits_every_ledger_and_one_refused_names_its_field(
    quantity: Decimal, unit_price: Decimal, rate: Decimal
) -> None:
    try:
        amounts = money.check_line(quantity, unit_price, rate)
    except money.OutOfBounds as error:
        assert error.field in {"quantity", "unit_price"}
        assert error.message
        return
    assert money.fits(amounts.gross)
    for value in (quantity, unit_price, amounts.net, amounts.tax, amounts.gross):
        assert _exact_as_double(value)


@given(
    quantity=st.decimals(allow_nan=True, allow_infinity=True),
    unit_price=st.decimals(allow_nan=True, allow_infinity=True),
    rate=tax_rates,
)
def test_any_decimal_is_accepted_or_refused_by_name_never_raised_otherwise(
    quantity: Decimal, unit_price: Decimal, rate: Decimal
) -> None:
    try:
        money.check_line(quantity, unit_price, rate)
    except money.OutOfBounds as error:
        assert error.field in {"quantity", "unit_price"}


def _categories(organisation: Organisation, rate: Decimal) -> tuple[TaxCategory, IncomeCategory]:
    """Made once per rate: every example runs in the same test transaction."""
    tax, _ = TaxCategory.objects.get_or_create(
        organisation=organisation, name=f"Tax {rate}", defaults={"rate": rate}
    )
    income, _ = IncomeCategory.objects.get_or_create(organisation=organisation, name="Hire")
    return tax, income


def _payloads(invoice: Invoice) -> list[dict[str, Any]]:
    return [
        xero.invoice(invoice, NO_MAPPINGS, "contact"),
        quickbooks.invoice(invoice, NO_MAPPINGS, "contact"),
        sage.sales_invoice(invoice, NO_MAPPINGS, "contact"),
    ]


def _numbers(payload: Any) -> list[float]:
    if isinstance(payload, dict):
        return [n for value in payload.values() for n in _numbers(value)]
    if isinstance(payload, list):
        return [n for value in payload for n in _numbers(value)]
    return [payload] if isinstance(payload, float) else []


@WITH_DB
@given(lines=lines_of, rate=tax_rates)
def test_an_invoice_the_services_accept_renders_totals_and_maps_to_every_ledger(
    tenants: Tenants, lines: list[tuple[Decimal, Decimal]], rate: Decimal
) -> None:
    organisation = tenants.alpha
    tax, income = _categories(organisation, rate)
    inputs = [LineInput(price, tax, income, quantity, "Hire") for quantity, price in lines]
    try:
        draft = services.create_draft_invoice(factories.make_customer(organisation), inputs)
    except OperationError as error:
        assert error.field in {"quantity", "unit_price", "lines"}
        return
    invoice = services.issue_invoice(draft)
    totals = services.document_totals(invoice)
    assert totals.fits and invoice.total == totals.total
    for payload in _payloads(invoice):
        json.dumps(payload, allow_nan=False)
        assert all(abs(n) <= money.MAX_AMOUNT for n in _numbers(payload))
    client = client_for(tenants.owner)
    detail = reverse("operations:invoice_detail", kwargs={"pk": invoice.pk})
    assert client.get(detail).status_code == 200
    assert client.get(reverse("operations:invoice_list")).status_code == 200


def _form(tax: TaxCategory, customer_pk: int, quantity: str, unit_price: str) -> dict[str, str]:
    income = IncomeCategory.objects.get(organisation=tax.organisation, name="Hire")
    return {
        "customer": str(customer_pk),
        "project": "",
        "issue_date": "2025-03-01",
        "due_date": "2025-03-31",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Hire",
        "lines-0-item": "",
        "lines-0-quantity": quantity,
        "lines-0-unit_price": unit_price,
        "lines-0-tax_category": str(tax.pk),
        "lines-0-income_category": str(income.pk),
    }


@WITH_DB
@given(
    quantity=st.one_of(quantities.map(str), hostile_numbers),
    unit_price=st.one_of(unit_prices.map(str), hostile_numbers),
    rate=tax_rates,
)
# A signalling NaN once raised comparing the quantity with its initial 1 (a 500).
@example(quantity="sNaN", unit_price="10", rate=Decimal("20"))
def test_the_draft_form_saves_what_fits_and_puts_anything_else_beside_its_field(
    tenants: Tenants, quantity: str, unit_price: str, rate: Decimal
) -> None:
    organisation = tenants.alpha
    tax, _ = _categories(organisation, rate)
    customer = factories.make_customer(organisation)
    client = client_for(tenants.owner)
    before = Invoice.objects.count()
    response = client.post(
        reverse("operations:invoice_create"), _form(tax, customer.pk, quantity, unit_price)
    )
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        assert Invoice.objects.count() == before + 1
    else:
        assert response.status_code == 400
        body = response.content.decode()
        assert 'id="id_lines-0-quantity_error"' in body or (
            'id="id_lines-0-unit_price_error"' in body
        )
        assert Invoice.objects.count() == before


@pytest.mark.parametrize(
    ("quantity", "unit_price"), [("99999999.99", "999999999999.99"), ("1", "999999999999.99")]
)
def test_model_validation_refuses_a_line_too_large_beside_its_field(
    tenants: Tenants, quantity: str, unit_price: str
) -> None:
    """The admin (and any ModelForm) validates lines through the model."""
    from django.core.exceptions import ValidationError

    invoice = factories.make_invoice(tenants.alpha)
    line = invoice.lines.get()
    line.quantity, line.unit_price = Decimal(quantity), Decimal(unit_price)
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "unit_price" in refused.value.message_dict
