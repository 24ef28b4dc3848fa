"""Connecting through the QuickBooks sandbox, then invoices out, payments, customers and
items both ways, over real HTTP."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounting.models import Entity, ExternalRef
from integrations.models import Connection, ConnectionEvent, OAuthGrant, SyncRun
from operations.models import Customer, EquipmentItem, Invoice
from sandbox.quickbooks import books, inspect, writes
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.store import Books, lock
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for


def us_customer(tenants: Tenants, name: str = "Harbour Build LLC") -> Customer:
    return factories.make_customer(tenants.alpha, name=name, currency="USD")


def test_connecting_names_the_company_from_company_info_and_keeps_the_tokens(
    quickbooks_sandbox: str, tenants: Tenants
) -> None:
    client = client_for(tenants.owner)
    answer = helpers.connect(client, helpers.US_REALM)

    assert answer.status_code == 302
    connection = helpers.connection_for(helpers.US_REALM)
    assert (connection.remote_name, connection.state) == ("Harbour Hire Co", "connected")
    grant = connection.grant
    assert grant is not None and grant.subject == f"realm:{helpers.US_REALM}"
    assert grant.access_token and grant.refresh_token
    assert ConnectionEvent.objects.filter(connection=connection, kind="connected").exists()
    page = client.get("/settings/integrations/").content.decode()
    assert "Harbour Hire Co" in page
    # Every API call pinned the minor version.
    assert all("minorversion=75" in call.path for call in inspect.api_calls(helpers.US_REALM))


def test_an_issued_invoice_reaches_quickbooks_and_a_partial_payment_comes_back(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, us_customer(tenants))  # 120.00
    helpers.map_everything(connected)

    first = sync(connected)

    assert first.status == SyncRun.Status.SUCCEEDED, first.errors
    remote = books.invoice_json(helpers.US_REALM, invoice.number)
    assert remote["DocNumber"] == invoice.number
    assert [line["Amount"] for line in remote["Line"]][:1] == [100]
    assert ExternalRef.objects.get(entity=Entity.INVOICE).remote_id == remote["Id"]

    books.record_payment(helpers.US_REALM, remote["Id"], "50.00", reference="CHK-1")
    second = sync(connected)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("70.00"))
    assert invoice.payments.get().reference == "CHK-1"
    remote = books.invoice_json(helpers.US_REALM, invoice.number)
    # QuickBooks adds US sales tax (8.25%) to the 100.00 net: its balance is its own.
    assert Decimal(str(remote["Balance"])) == Decimal(str(remote["TotalAmt"])) - Decimal("50")
    third = sync(connected)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("70.00")  # the payment is not applied twice
    assert third.counts.get("created", 0) == 0
    assert (
        len(
            [
                i
                for i in books.invoices_of(helpers.US_REALM)
                if i.data.get("DocNumber") == invoice.number
            ]
        )
        == 1
    )


def test_customers_and_items_travel_both_ways(connected: Connection, tenants: Tenants) -> None:
    mine = us_customer(tenants, "Quayside Staging")
    item = factories.make_item(tenants.alpha, "Truss section")
    books.create_customer(helpers.US_REALM, "Ledger Only Events", email="ap@ledger.test")
    helpers.map_everything(connected)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    names = {row.data["DisplayName"] for row in books.customers_of(helpers.US_REALM)}
    assert "Quayside Staging" in names
    pulled = Customer.objects.get(organisation=tenants.alpha, name="Ledger Only Events")
    assert (pulled.email, pulled.currency) == ("ap@ledger.test", "USD")
    pushed_item = next(r for r in books.items_of(helpers.US_REALM) if r.data["Name"] == item.name)
    assert (pushed_item.data["Type"], pushed_item.data["Sku"]) == ("Service", f"PB-{item.pk}")
    # The demo company's own items came into Patchbay's catalogue, nothing twice.
    seeded = [r.data["Name"] for r in books.items_of(helpers.US_REALM)]
    local = set(
        EquipmentItem.objects.filter(organisation=tenants.alpha).values_list("name", flat=True)
    )
    assert set(seeded) <= local
    assert EquipmentItem.objects.filter(organisation=tenants.alpha, name=item.name).count() == 1

    # Each side changes a record; the next sync carries both changes across.
    mine.name = "Quayside Staging Ltd"
    mine.save()
    pulled_remote = next(
        r
        for r in books.customers_of(helpers.US_REALM)
        if r.data["DisplayName"] == "Ledger Only Events"
    )
    with transaction.atomic():  # the bookkeeper renames it in QuickBooks
        writes.write(
            Books(lock(books.company(helpers.US_REALM))),
            BY_NAME["Customer"],
            {
                "Id": pulled_remote.entity_id,
                "SyncToken": str(pulled_remote.sync_token),
                "sparse": True,
                "DisplayName": "Ledger Events Inc",
            },
            "",
        )
    second = sync(connected)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    assert "Quayside Staging Ltd" in {
        r.data["DisplayName"] for r in books.customers_of(helpers.US_REALM)
    }
    pulled.refresh_from_db()
    assert pulled.name == "Ledger Events Inc"


def test_an_expired_access_token_is_refreshed_and_the_latest_refresh_token_kept(
    connected: Connection, tenants: Tenants, settings: object
) -> None:
    from sandbox.quickbooks import controls

    factories.make_issued_invoice(tenants.alpha, us_customer(tenants))
    helpers.map_everything(connected)
    grant = OAuthGrant.objects.get(connections=connected)
    before = (grant.access_token, grant.version)
    controls.expire_access_tokens(helpers.US_REALM)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    grant.refresh_from_db()
    assert grant.access_token != before[0] and grant.version == before[1] + 1
    assert inspect.count_refreshes() >= 1
