from __future__ import annotations

from typing import Any

import pytest
import responses
from django.conf import settings

from accounting.models import AccountMapping, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import IncomeCategory, Invoice, TaxCategory
from tests import factories
from tests.accounting.choices import fetch_choices
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection

API = settings.XERO_API_BASE
ACCOUNTS = {
    "Accounts": [
        {"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "090", "Name": "Business Bank Account", "Type": "BANK", "Status": "ACTIVE"},
        {"Code": "999", "Name": "Old", "Type": "REVENUE", "Status": "ARCHIVED"},
    ]
}
TAX_RATES = {
    "TaxRates": [
        {
            "TaxType": "OUTPUT2",
            "Name": "20% (VAT on Income)",
            "Status": "ACTIVE",
            "DisplayTaxRate": 20,
        },
    ]
}


@pytest.fixture
def connected(tenants: Tenants) -> Connection:
    factories.make_issued_invoice(tenants.alpha)
    return make_connection(tenants.alpha)


def mock_chart() -> None:
    responses.add(responses.GET, f"{API}/Accounts", json=ACCOUNTS)
    responses.add(responses.GET, f"{API}/TaxRates", json=TAX_RATES)


def test_a_fresh_connection_says_needs_mappings_with_a_link(
    connected: Connection, tenants: Tenants
) -> None:
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert ">Needs mappings<" in page and 'href="/settings/accounting/mappings/"' in page
    assert ">Sync Now<" not in page


@responses.activate
def test_mappings_offer_the_live_chart_and_save(connected: Connection, tenants: Tenants) -> None:
    mock_chart()
    fetch_choices(connected)
    client = client_for(tenants.manager)
    page = client.get("/settings/accounting/mappings/").content.decode()
    assert "200 · Sales" in page and "Old" not in page and "Business Bank Account" in page
    # Xero has no classes or locations to offer (QuickBooks does: its own tests).
    assert 'name="class-' not in page and 'name="location-0"' not in page
    form = {
        name: value
        for name, value in (
            (f"income-{IncomeCategory.objects.get().pk}", "200"),
            (f"tax-{TaxCategory.objects.get().pk}", "OUTPUT2"),
            ("payment_account-0", "090"),
        )
    }
    assert client.post("/settings/accounting/mappings/", form).status_code == 302
    assert AccountMapping.objects.count() == 3
    card = client.get("/settings/integrations/").content.decode()
    assert ">Sync Now<" in card and ">Needs mappings<" not in card


@responses.activate
def test_a_mapping_outside_the_chart_is_refused_beside_its_field(
    connected: Connection, tenants: Tenants
) -> None:
    mock_chart()
    fetch_choices(connected)
    response = client_for(tenants.owner).post(
        "/settings/accounting/mappings/", {"payment_account-0": "999"}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not AccountMapping.objects.exists()


@responses.activate
def test_the_bookkeeper_views_mappings_but_cannot_change_them(
    connected: Connection, tenants: Tenants
) -> None:
    mock_chart()
    fetch_choices(connected)
    client = client_for(tenants.bookkeeper)
    assert (
        "can view these mappings but not change"
        in client.get("/settings/accounting/mappings/").content.decode()
    )
    assert (
        client.post("/settings/accounting/mappings/", {"payment_account-0": "090"}).status_code
        == 403
    )
    assert client.post(f"/settings/accounting/connections/{connected.pk}/sync/").status_code == 403


def test_sync_now_opens_a_run_at_once_and_the_card_shows_progress(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_everything(connected)
    queued: list[Any] = []
    monkeypatch.setattr(sync_connection, "delay", lambda *args: queued.append(args))
    client = client_for(tenants.manager)
    response = client.post(f"/settings/accounting/connections/{connected.pk}/sync/")
    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert queued == [(connected.pk, SyncRun.Trigger.MANUAL, run.pk)]
    card = client.get("/settings/integrations/xero/card/").content.decode()
    assert ">Syncing<" in card and 'hx-trigger="every 1s"' in card
    again = client.post(f"/settings/accounting/connections/{connected.pk}/sync/", follow=True)
    assert "already running" in again.content.decode()
    assert SyncRun.objects.count() == 1


def test_the_audit_log_filters_and_pages_by_keyset(connected: Connection, tenants: Tenants) -> None:
    for n in range(60):
        AuditEntry.objects.create(
            organisation=tenants.alpha,
            connection=connected,
            direction="push",
            entity="invoice",
            method="PUT",
            url=f"https://x/{n}",
            outcome="created" if n % 2 else "error",
        )
    client = client_for(tenants.bookkeeper)
    first = client.get("/settings/accounting/audit/").content.decode()
    assert first.count("<code>PUT</code>") == 50 and "before=" in first
    errors = client.get(
        "/settings/accounting/audit/?outcome=error&since=nonsense&run=x"
    ).content.decode()
    assert errors.count("<code>PUT</code>") == 30
    assert client_for(tenants.crew).get("/settings/accounting/audit/").status_code == 403


def test_the_runs_page_lists_every_error_of_a_run(connected: Connection, tenants: Tenants) -> None:
    SyncRun.objects.create(
        organisation=tenants.alpha,
        connection=connected,
        trigger="manual",
        status="partial",
        lease_expires_at=connected.connected_at,
        counts={"created": 3, "errors": 1},
        errors=[
            {
                "message": "Organisation is not subscribed to currency EUR",
                "entity": "invoice",
                "local_id": 8,
            }
        ],
    )
    page = client_for(tenants.bookkeeper).get("/settings/accounting/runs/").content.decode()
    assert "not subscribed to currency EUR" in page and "created 3" in page
    assert client_for(tenants.crew).get("/settings/accounting/runs/").status_code == 403


def test_the_monthly_reconciliation_lists_synced_and_failed_items_and_exports_csv(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = Invoice.objects.get()
    for entity, local_id, state, error in (
        ("invoice", invoice.pk, "linked", ""),
        ("customer", invoice.customer_id, "error", "The contact name is already assigned"),
    ):
        ExternalRef.objects.create(
            organisation=tenants.alpha,
            connection=connected,
            entity=entity,
            local_id=local_id,
            remote_id="r-1" if state == "linked" else "",
            state=state,
            last_error=error,
        )
    client = client_for(tenants.bookkeeper)
    page = client.get("/settings/accounting/reconciliation/").content.decode()
    assert invoice.number in page and "already assigned" in page
    csv_export = client.get("/settings/accounting/reconciliation/?format=csv&month=nonsense")
    assert csv_export["Content-Type"].startswith("text/csv")
    body = csv_export.content.decode()
    platform = "Xero · Demo Company (UK)"
    assert f"synced,{platform},invoice,{invoice.pk},{invoice.number},r-1" in body
    assert f"failed,{platform},customer" in body  # refused by the ledger: not a review
