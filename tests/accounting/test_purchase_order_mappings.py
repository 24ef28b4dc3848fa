"""Expense-account mappings on the mappings page where the ledger takes purchase orders,
and Sage saying plainly that it takes none."""

from __future__ import annotations

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounting.mappings import missing_mappings
from accounting.models import AccountMapping, RemoteChoices
from integrations.models import Connection
from operations.models import ExpenseCategory, IncomeCategory, TaxCategory
from tests import factories
from tests.accounting.choices import fetch_choices
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection

API = settings.XERO_API_BASE
PAGE = "/settings/accounting/mappings/"
ACCOUNTS = {
    "Accounts": [
        {"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "090", "Name": "Business Bank Account", "Type": "BANK", "Status": "ACTIVE"},
        {"Code": "310", "Name": "Cost of Goods Sold", "Type": "DIRECTCOSTS", "Status": "ACTIVE"},
        {"Code": "429", "Name": "General Expenses", "Type": "OVERHEADS", "Status": "ACTIVE"},
    ]
}
TAX_RATES = {
    "TaxRates": [
        {"TaxType": "OUTPUT2", "Name": "20% (VAT on Income)", "Status": "ACTIVE"},
    ]
}


@pytest.fixture
def xero(tenants: Tenants) -> Connection:
    factories.make_issued_invoice(tenants.alpha)
    ExpenseCategory.objects.create(organisation=tenants.alpha, name="General Expenses")
    return make_connection(tenants.alpha)


@responses.activate
def test_expense_categories_map_to_expense_accounts_and_may_stay_unmapped(
    xero: Connection, tenants: Tenants
) -> None:
    responses.add(responses.GET, f"{API}/Accounts", json=ACCOUNTS)
    responses.add(responses.GET, f"{API}/TaxRates", json=TAX_RATES)
    fetch_choices(xero)
    assert len([c for c in responses.calls if str(c.request.url).endswith("/Accounts")]) == 1
    client = client_for(tenants.manager)
    page = client.get(PAGE).content.decode()
    expense = ExpenseCategory.objects.get()
    field = f'name="expense-{expense.pk}"'
    assert field in page and "Expense: General Expenses" in page
    assert "310 · Cost of Goods Sold" in page and "Not mapped (its purchase orders wait)" in page
    assert "Suggested: General Expenses" in page  # the account of the same name
    form = {
        f"income-{IncomeCategory.objects.get().pk}": "200",
        f"tax-{TaxCategory.objects.get().pk}": "OUTPUT2",
        "payment_account-0": "090",
        f"expense-{expense.pk}": "",
    }
    assert client.post(PAGE, form).status_code == 302
    assert missing_mappings(xero) == []  # an unmapped expense blocks no sync
    form[f"expense-{expense.pk}"] = "429"
    assert client.post(PAGE, form).status_code == 302
    saved = AccountMapping.objects.get(kind=AccountMapping.Kind.EXPENSE)
    assert (saved.local_id, saved.remote_code) == (expense.pk, "429")
    shown = client.get(PAGE).content.decode()
    assert '<option value="429" selected>' in shown  # the saved mapping, chosen


def test_sage_says_it_has_no_purchase_orders_on_its_card_and_mappings_page(
    tenants: Tenants,
) -> None:
    ExpenseCategory.objects.create(organisation=tenants.alpha, name="Sub-hire")
    sage = make_connection(tenants.alpha, provider="sage", remote_name="Sage Books")
    RemoteChoices.objects.create(
        organisation=tenants.alpha,
        connection=sage,
        choices={"accounts": [], "tax_rates": []},
        fetched_at=timezone.now(),
    )
    client = client_for(tenants.bookkeeper)
    page = client.get(PAGE).content.decode()
    assert "Sage Business Cloud has no purchase-order endpoint" in page
    assert "Expense: Sub-hire" not in page  # nothing to map them to
    card = client.get("/settings/integrations/").content.decode()
    assert "accounting API has no purchase orders and no time activities" in card
    assert "purchase orders and crew timesheets stay in Patchbay" in card
