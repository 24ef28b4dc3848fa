"""Income categories map to QuickBooks income accounts; each line names a Service item
Patchbay keeps for its account, found by Sku or made once, over real HTTP through the
sandbox."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounting.engine.sync import adapter_for
from accounting.forms import MappingForm
from accounting.models import AccountMapping
from accounting.providers.quickbooks.adapter import QuickBooksAdapter, _account_choices
from integrations.errors import ProviderError
from integrations.models import Connection, SyncRun
from operations.models import Customer, EquipmentItem, IncomeCategory, Invoice
from sandbox.quickbooks import books, faults, inspect, writes
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books, lock
from tests import factories
from tests.accounting.choices import fetch_choices
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for

REALM = helpers.US_REALM


def accounts_of_type(*types: str) -> dict[str, str]:
    """Id -> name of the sandbox company's active accounts of these types."""
    rows = QboEntity.objects.filter(company__realm_id=REALM, entity="Account")
    return {
        row.entity_id: row.data["Name"]
        for row in rows
        if row.data.get("AccountType") in types and row.data.get("Active", True)
    }


def account_id(name: str) -> str:
    return next(
        aid
        for aid, found in accounts_of_type(
            "Income", "Other Income", "Bank", "Other Current Asset"
        ).items()
        if found == name
    )


def us_invoice(tenants: Tenants, customer: Customer | None = None) -> Invoice:
    """An issued invoice to a customer in the company's currency (it has no others)."""
    customer = customer or factories.make_customer(
        tenants.alpha, name="Harbour Build LLC", currency="USD"
    )
    return factories.make_issued_invoice(tenants.alpha, customer)


def map_income_to(connection: Connection, code: str) -> None:
    helpers.map_everything(connection)
    AccountMapping.objects.filter(connection=connection, kind=AccountMapping.Kind.INCOME).update(
        remote_code=code
    )


def service_items(account: str) -> list[QboEntity]:
    return [row for row in books.items_of(REALM) if row.data.get("Sku") == f"PB-INCOME-{account}"]


def item_posts() -> int:
    return sum(
        1 for call in inspect.api_calls(REALM) if call.method == "POST" and "/item" in call.path
    )


def invoice_item(number: str) -> str:
    remote = books.invoice_json(REALM, number)
    [line] = [line for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    return str(line["SalesItemLineDetail"]["ItemRef"]["value"])


def test_income_mappings_offer_the_active_income_accounts_by_name_not_items_or_banks(
    connected: Connection, tenants: Tenants
) -> None:
    with transaction.atomic():  # an income account the bookkeeper retired
        writes.write(
            Books(lock(books.company(REALM))),
            BY_NAME["Account"],
            {"Name": "Old Hire Income", "AccountType": "Income", "Active": False},
        )
    us_invoice(tenants)
    choices = adapter_for(connected, None).accounts()
    form = MappingForm(tenants.alpha, choices, [])
    category = IncomeCategory.objects.get(organisation=tenants.alpha)

    offered = dict(form.fields[f"income-{category.pk}"].choices)  # type: ignore[attr-defined]
    offered.pop("")

    assert offered == accounts_of_type("Income", "Other Income")
    assert set(offered.values()) == {"Services", "Rental Income", "Sales of Product Income"}
    assert "Checking" not in offered.values() and "Undeposited Funds" not in offered.values()


def test_a_synced_invoice_line_names_a_service_item_selling_to_the_mapped_account(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = us_invoice(tenants)
    rental = account_id("Rental Income")
    map_income_to(connected, rental)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    [item] = service_items(rental)
    assert invoice_item(invoice.number) == item.entity_id
    assert item.data["Type"] == "Service"
    assert item.data["IncomeAccountRef"]["value"] == rental
    assert item.data["Name"] == "Patchbay - Rental Income"
    # It is the ledger's plumbing, not equipment: it never comes back as an item.
    sync(connected)
    assert not EquipmentItem.objects.filter(name__startswith="Patchbay - ").exists()


def test_a_second_sync_makes_no_second_service_item(
    connected: Connection, tenants: Tenants
) -> None:
    first = us_invoice(tenants)
    rental = account_id("Rental Income")
    map_income_to(connected, rental)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    assert item_posts() == 1

    second = us_invoice(tenants, first.customer)
    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert item_posts() == 1
    [item] = service_items(rental)
    assert invoice_item(second.number) == invoice_item(first.number) == item.entity_id


def test_a_lost_answer_after_the_item_create_makes_no_duplicate(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = us_invoice(tenants)
    rental = account_id("Rental Income")
    map_income_to(connected, rental)
    adapter = adapter_for(connected, None)
    assert isinstance(adapter, QuickBooksAdapter)
    faults.commit_then_fail()  # Intuit makes the item, the answer is a 500
    with pytest.raises(ProviderError):
        adapter._service_items({rental})
    faults.clear_faults()
    assert len(service_items(rental)) == 1

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    [item] = service_items(rental)
    assert invoice_item(invoice.number) == item.entity_id
    assert item_posts() == 1  # found by its Sku: not sent again


def test_a_mapping_saved_as_a_product_keeps_naming_it_and_the_page_shows_its_account(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = us_invoice(tenants)
    [seeded] = [row for row in books.items_of(REALM) if row.data["Name"] == "Services"]
    account = seeded.data["IncomeAccountRef"]["value"]
    map_income_to(connected, f"{seeded.entity_id}:{account}")  # how mappings were saved

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert invoice_item(invoice.number) == seeded.entity_id
    assert item_posts() == 0
    fetch_choices(connected)
    client = client_for(tenants.owner)
    page = client.get("/settings/accounting/mappings/").content.decode()
    assert f'<option value="{account}" selected>Services</option>' in page

    # Saving the page as shown makes it an account mapping; the revenue account is the same.
    answers = helpers_answers(connected, account)
    assert client.post("/settings/accounting/mappings/", answers).status_code == 302
    saved = AccountMapping.objects.get(connection=connected, kind=AccountMapping.Kind.INCOME)
    assert saved.remote_code == account
    run = sync(connected)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    [item] = service_items(account)
    assert invoice_item(invoice.number) == item.entity_id


def helpers_answers(connection: Connection, income: str) -> dict[str, str]:
    """The mappings form as saved: every field at its current value, income at `income`."""
    rows = AccountMapping.objects.filter(connection=connection)
    answers = {f"{row.kind}-{row.local_id}": row.remote_code for row in rows}
    category = IncomeCategory.objects.get(organisation=connection.organisation)
    return answers | {f"income-{category.pk}": income}


def test_other_income_accounts_are_offered_for_income_and_nothing_else_without_a_kind() -> None:
    rows = [
        {"Id": "7", "Name": "Other Income", "AccountType": "Other Income"},
        {"Id": "8", "Name": "Rental Income", "AccountType": "Income"},
        {"Id": "9", "Name": "Repairs", "AccountType": "Expense"},
        {"Id": "4", "Name": "Checking", "AccountType": "Bank"},
    ]
    income = [c for row in rows for c in _account_choices(row) if not c.kind]
    assert [(c.code, c.name) for c in income] == [("7", "Other Income"), ("8", "Rental Income")]
