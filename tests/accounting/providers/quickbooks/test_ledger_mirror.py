"""Invoices a bookkeeper makes in QuickBooks for a customer Patchbay knows, mirrored
read-only onto the customer's page (tests/accounting/ledger_mirror.py has the shared
scenarios)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from integrations.models import AuditEntry, Connection
from sandbox.quickbooks import books
from tests import factories
from tests.accounting import ledger_mirror as scenario
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import Tenants


def _added(description: str) -> str:
    [row] = [
        row
        for row in books.invoices_of(helpers.US_REALM)
        if any(line.get("Description") == description for line in row.data.get("Line", []))
    ]
    return row.entity_id


def _total(remote_id: str) -> Decimal:
    return Decimal(str(books.invoice(helpers.US_REALM, remote_id).data["TotalAmt"]))


def _unpay(remote_id: str) -> None:
    for payment in books.payments_of(helpers.US_REALM):
        links = [
            link.get("TxnId")
            for line in payment.data.get("Line", [])
            for link in line.get("LinkedTxn", [])
        ]
        if remote_id in links:
            books.delete_payment(helpers.US_REALM, payment.entity_id)


QUICKBOOKS = scenario.Ledger(
    name="QuickBooks Online",
    console=reverse("sandbox:quickbooks:console"),
    company={"realm": helpers.US_REALM},
    contact_field="customer",
    added=_added,
    total=_total,
    pay=lambda remote_id, amount: books.record_payment(helpers.US_REALM, remote_id, amount),
    unpay=_unpay,
    void=lambda remote_id: books.void_invoice(helpers.US_REALM, remote_id),
    customer={"currency": "USD"},
)


@pytest.fixture
def mapped(connected: Connection, tenants: Tenants) -> Connection:
    factories.line(tenants.alpha, "1.00")  # the tax and income categories to map
    helpers.map_everything(connected)
    return connected


def test_an_invoice_added_in_quickbooks_console_shows_on_the_customer_page_with_no_call(
    mapped: Connection, tenants: Tenants
) -> None:
    scenario.manual_invoice_shows_on_the_customer_page(QUICKBOOKS, mapped, tenants)


def test_a_quiet_sync_mirrors_nothing_and_costs_no_call_of_its_own_in_quickbooks(
    mapped: Connection, tenants: Tenants
) -> None:
    calls = scenario.quiet_sync_reads_nothing_new(QUICKBOOKS, mapped, tenants)
    quiet = AuditEntry.objects.filter(connection=mapped).order_by("-pk").first()
    assert quiet is not None
    # One CDC answer with the invoices, serving both the removed documents and the mirror.
    cdc = AuditEntry.objects.filter(run=quiet.run, url__contains="/cdc?")
    assert len([e for e in cdc if "entities=Invoice" in e.url]) == 1
    # Customers, items, invoices (CDC each), the service items by Sku and the payments
    # (never paid yet, so read whole): as many as before the mirror.
    urls = [e.url for e in AuditEntry.objects.filter(run=quiet.run)]
    assert calls == 5, urls
    assert len([url for url in urls if "Invoice" in url]) == 1


def test_an_invoice_paid_then_voided_in_quickbooks_updates_its_mirror(
    mapped: Connection, tenants: Tenants
) -> None:
    scenario.paid_then_voided_in_the_ledger_updates_the_mirror(QUICKBOOKS, mapped, tenants)


def test_quickbooks_mirror_is_never_shown_to_another_organisation(
    mapped: Connection, tenants: Tenants
) -> None:
    scenario.never_shown_to_another_organisation(QUICKBOOKS, mapped, tenants)
