"""Equipment sold as stock is a QuickBooks Inventory item, both ways, over real HTTP
through the sandbox; hired equipment stays a Service."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection as db_connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting.engine.adapter import COST_OF_SALES, STOCK_ASSET
from accounting.engine.sync import adapter_for
from accounting.mappings import missing_mappings
from accounting.models import AccountMapping, Entity
from accounting.providers.quickbooks import mapping
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import EquipmentItem, IncomeCategory, TaxCategory
from sandbox.quickbooks import books, writes
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books, lock
from tests import factories
from tests.accounting import test_engine
from tests.accounting.choices import fetch_choices
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection

STOCK_LABELS = [
    "the inventory asset account (for items sold as stock)",
    "the cost of sales account (for items sold as stock)",
]


def account_id(name: str) -> str:
    row = QboEntity.objects.get(
        company__realm_id=helpers.US_REALM, entity="Account", data__Name=name
    )
    return row.entity_id


def map_stock_accounts(connection: Connection) -> tuple[str, str]:
    """The inventory asset and cost of sales accounts, chosen from the adapter's list."""
    choices = adapter_for(connection, None).accounts()
    asset = next(c.code for c in choices if c.kind == STOCK_ASSET)
    cost = next(c.code for c in choices if c.kind == COST_OF_SALES)
    for kind, code in (
        (AccountMapping.Kind.INVENTORY_ASSET, asset),
        (AccountMapping.Kind.COST_OF_SALES, cost),
    ):
        AccountMapping.objects.create(
            organisation=connection.organisation,
            connection=connection,
            kind=kind,
            local_id=0,
            remote_code=code,
        )
    return asset, cost


def stock_item(tenants: Tenants, name: str = "Gaffer tape", quantity: int = 40) -> EquipmentItem:
    item = factories.make_item(tenants.alpha, name)
    item.sold_as_stock, item.stock_quantity = True, quantity
    item.save()
    return item


def remote_item(name: str) -> dict[str, object]:
    return next(row.data for row in books.items_of(helpers.US_REALM) if row.data["Name"] == name)


def test_a_stock_item_is_an_inventory_item_with_its_quantity_and_three_accounts(
    connected: Connection, tenants: Tenants
) -> None:
    stock = stock_item(tenants)
    hired = factories.make_item(tenants.alpha, "Moving head")
    factories.make_income(tenants.alpha)
    helpers.map_everything(connected)
    asset, cost = map_stock_accounts(connected)
    assert (asset, cost) == (account_id("Inventory Asset"), account_id("Cost of Goods Sold"))
    income = AccountMapping.objects.filter(kind=AccountMapping.Kind.INCOME).first()
    assert income is not None

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    remote = remote_item(stock.name)
    assert (remote["Type"], remote["TrackQtyOnHand"], remote["QtyOnHand"]) == (
        "Inventory",
        True,
        40,
    )
    assert remote["InvStartDate"] == timezone.localdate().isoformat()
    assert remote["IncomeAccountRef"]["value"] == mapping.income_account(income.remote_code)  # type: ignore[index]
    assert remote["AssetAccountRef"]["value"] == asset  # type: ignore[index]
    assert remote["ExpenseAccountRef"]["value"] == cost  # type: ignore[index]
    service = remote_item(hired.name)
    assert service["Type"] == "Service" and "AssetAccountRef" not in service
    assert "QtyOnHand" not in service


def test_a_stock_items_update_leaves_its_type_accounts_and_quantity_to_quickbooks(
    connected: Connection, tenants: Tenants
) -> None:
    stock = stock_item(tenants)
    helpers.map_everything(connected)
    map_stock_accounts(connected)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    stock.daily_rate, stock.stock_quantity = Decimal("6.50"), 12
    stock.save()

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    remote = remote_item(stock.name)
    assert (remote["UnitPrice"], remote["Type"], remote["QtyOnHand"]) == (6.5, "Inventory", 40)
    update = AuditEntry.objects.get(run=run, direction="push", entity=Entity.ITEM)
    [sent] = [op["Item"] for op in json.loads(update.request_body)["BatchItemRequest"]]
    assert sent["sparse"] is True
    assert not {"Type", "QtyOnHand", "InvStartDate", "AssetAccountRef"} & set(sent)


def test_an_inventory_item_made_in_quickbooks_comes_in_as_stock_with_its_quantity(
    connected: Connection, tenants: Tenants
) -> None:
    with transaction.atomic():  # the bookkeeper adds a stock item in QuickBooks
        writes.write(
            Books(lock(books.company(helpers.US_REALM))),
            BY_NAME["Item"],
            {
                "Name": "Pallet wrap",
                "Type": "Inventory",
                "UnitPrice": 12,
                "TrackQtyOnHand": True,
                "QtyOnHand": 25,
                "InvStartDate": "2026-01-01",
                "IncomeAccountRef": {"value": account_id("Sales of Product Income")},
                "AssetAccountRef": {"value": account_id("Inventory Asset")},
                "ExpenseAccountRef": {"value": account_id("Cost of Goods Sold")},
            },
        )
    helpers.map_everything(connected)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    pulled = EquipmentItem.objects.get(organisation=tenants.alpha, name="Pallet wrap")
    assert (pulled.sold_as_stock, pulled.stock_quantity) == (True, 25)
    seeded = EquipmentItem.objects.get(organisation=tenants.alpha, name="Services")
    assert seeded.sold_as_stock is False  # a Service made in QuickBooks is hired equipment


def test_missing_mappings_asks_for_the_stock_accounts_only_when_needed(
    connected: Connection, tenants: Tenants
) -> None:
    hired = factories.make_item(tenants.alpha, "Moving head")
    factories.make_issued_invoice(tenants.alpha)
    helpers.map_everything(connected)
    assert missing_mappings(connected) == []  # no stock sold

    hired.sold_as_stock = True
    hired.save()
    with CaptureQueriesContext(db_connection) as one:
        assert missing_mappings(connected) == STOCK_LABELS
    for n in range(3):
        stock_item(tenants, f"Cable ties {n}")
    with CaptureQueriesContext(db_connection) as four:
        assert missing_mappings(connected) == STOCK_LABELS
    assert len(one.captured_queries) == len(four.captured_queries)
    assert sync(connected).status == SyncRun.Status.REFUSED

    map_stock_accounts(connected)
    assert missing_mappings(connected) == []

    # Xero has no inventory items to map: a stock item asks nothing more of it.
    xero = make_connection(tenants.bravo)
    factories.make_issued_invoice(tenants.bravo)
    item = factories.make_item(tenants.bravo, "Duct tape")
    item.sold_as_stock = True
    item.save()
    test_engine.map_everything(xero)
    assert missing_mappings(xero) == []


def test_the_mappings_page_offers_the_stock_accounts_and_requires_them_once_stock_is_sold(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    client = client_for(tenants.owner)
    choices = adapter_for(connected, None).accounts()
    category = IncomeCategory.objects.get(organisation=tenants.alpha)
    answers = {
        f"income-{category.pk}": helpers.income_choice(choices).code,
        f"tax-{TaxCategory.objects.get(organisation=tenants.alpha).pk}": "TAX",
        "payment_account-0": next(c.code for c in choices if "Undeposited" in c.name),
    }

    fetch_choices(connected)
    page = client.get("/settings/accounting/mappings/").content.decode()

    assert 'name="inventory_asset-0"' in page and 'name="cost_of_sales-0"' in page
    assert "Inventory Asset" in page and "Cost of Goods Sold" in page
    assert client.post("/settings/accounting/mappings/", answers).status_code == 302
    stock_item(tenants)
    refused = client.post("/settings/accounting/mappings/", answers)
    assert refused.status_code == 400
    stock = {
        "inventory_asset-0": account_id("Inventory Asset"),
        "cost_of_sales-0": account_id("Cost of Goods Sold"),
    }
    assert client.post("/settings/accounting/mappings/", answers | stock).status_code == 302
    assert missing_mappings(connected) == []
