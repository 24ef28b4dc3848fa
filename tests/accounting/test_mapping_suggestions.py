"""Mappings that help: readable choices (never an opaque id), and a guess for each
unmapped category that the person confirms by saving."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting import suggest
from accounting.engine.adapter import RemoteChoice
from accounting.forms import MappingForm, choice_label, field_name
from accounting.models import AccountMapping
from tests import factories
from tests.conftest import Tenants

XERO_RATES = [
    RemoteChoice("OUTPUT2", "20% (VAT on Income)"),
    RemoteChoice("INPUT2", "20% (VAT on Expenses)"),
    RemoteChoice("RROUTPUT", "5% (VAT on Income)"),
    RemoteChoice("ZERORATEDOUTPUT", "Zero Rated Income"),
    RemoteChoice("ZERORATEDINPUT", "Zero Rated Expenses"),
]
ACCOUNTS = [
    RemoteChoice("200", "Sales", "REVENUE"),
    RemoteChoice("201", "Equipment  hire", "REVENUE"),
    RemoteChoice("090", "Business Bank Account", "BANK", accepts_payments=True),
]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("20", "OUTPUT2"), ("5", "RROUTPUT"), ("0", "ZERORATEDOUTPUT"), ("17.5", ""), ("2", "")],
)
def test_a_tax_category_is_matched_to_the_sales_rate_of_its_percentage(
    rate: str, expected: str
) -> None:
    assert suggest.tax_rate(Decimal(rate), XERO_RATES) == expected


def test_several_sales_rates_of_one_percentage_suggest_nothing() -> None:
    rates = [RemoteChoice("A", "20% Sales"), RemoteChoice("B", "20% Income (reverse)")]
    assert suggest.tax_rate(Decimal("20"), rates) == ""


def test_an_income_category_is_matched_to_the_account_of_its_name() -> None:
    assert suggest.income_account("Equipment Hire", ACCOUNTS) == "201"
    assert suggest.income_account("Crew", ACCOUNTS) == ""


def test_choices_read_as_names_never_as_opaque_ids() -> None:
    sage = RemoteChoice("a4b7f4beef304c1a9a2b6f1e0c2d9e11", "Current (1200)", "BANK")
    assert choice_label(sage) == "Current (1200)"
    assert choice_label(ACCOUNTS[0]) == "200 · Sales"
    quickbooks_income = RemoteChoice("79", "Rental Income")  # an Account Id, never shown
    assert choice_label(quickbooks_income) == "Rental Income"


def test_the_form_suggests_for_unmapped_fields_only(tenants: Tenants) -> None:
    hire = factories.make_income(tenants.alpha, "Equipment hire")
    crew = factories.make_income(tenants.alpha, "Sales")
    tax = factories.make_tax(tenants.alpha)  # 20%
    saved = {field_name(AccountMapping.Kind.INCOME, crew.pk): "201"}

    form = MappingForm(tenants.alpha, ACCOUNTS, XERO_RATES, initial=saved)

    assert form.initial[field_name(AccountMapping.Kind.INCOME, hire.pk)] == "201"
    assert form.initial[field_name(AccountMapping.Kind.TAX, tax.pk)] == "OUTPUT2"
    assert form.initial[field_name(AccountMapping.Kind.INCOME, crew.pk)] == "201"  # kept
    assert set(form.suggested) == {
        field_name(AccountMapping.Kind.INCOME, hire.pk),
        field_name(AccountMapping.Kind.TAX, tax.pk),
    }
    help_text = form.fields[field_name(AccountMapping.Kind.TAX, tax.pk)].help_text
    assert help_text == "Suggested: 20% (VAT on Income). Check it, then save to confirm."
    assert not AccountMapping.objects.exists()  # nothing saved until the person saves
