"""Invoices a bookkeeper makes in Xero for a customer Patchbay knows, mirrored read-only
onto the customer's page (tests/accounting/ledger_mirror.py has the shared scenarios)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from integrations.models import AuditEntry, Connection
from sandbox.xero import books
from sandbox.xero.accounting.models import XeroInvoice
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting import ledger_mirror as scenario
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for


def _added(description: str) -> str:
    row = XeroInvoice.objects.filter(lines__description=description).get()
    return str(row.invoice_id)


def _total(remote_id: str) -> Decimal:
    return books.invoice(DEMO_COMPANY_UK, remote_id).total


def _unpay(remote_id: str) -> None:
    for payment in books.payments_of(DEMO_COMPANY_UK):
        if str(payment.invoice.invoice_id) == remote_id and payment.status != "DELETED":
            books.delete_payment(DEMO_COMPANY_UK, payment.payment_id)


XERO = scenario.Ledger(
    name="Xero",
    console=reverse("sandbox:xero:console"),
    company={"tenant": str(DEMO_COMPANY_UK)},
    contact_field="contact",
    added=_added,
    total=_total,
    pay=lambda remote_id, amount: books.record_payment(DEMO_COMPANY_UK, remote_id, amount),
    unpay=_unpay,
    void=lambda remote_id: books.void_invoice(DEMO_COMPANY_UK, remote_id),
)


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.make_tax(tenants.alpha)
    factories.make_income(tenants.alpha)
    map_everything(connection)
    return connection


def test_an_invoice_added_in_xeros_console_shows_on_the_customer_page_with_no_call(
    connected: Connection, tenants: Tenants
) -> None:
    scenario.manual_invoice_shows_on_the_customer_page(XERO, connected, tenants)


def test_a_quiet_sync_mirrors_nothing_and_costs_no_call_of_its_own_in_xero(
    connected: Connection, tenants: Tenants
) -> None:
    calls = scenario.quiet_sync_reads_nothing_new(XERO, connected, tenants)
    quiet = AuditEntry.objects.filter(connection=connected).order_by("-pk").first()
    assert quiet is not None
    # One read of the invoices, serving both the removed documents and the mirror.
    [read] = AuditEntry.objects.filter(run=quiet.run, url__contains="/Invoices?")
    assert read.method == "GET" and "AUTHORISED" in read.url
    # Customers, items, invoices and payments: as many as before the mirror.
    assert calls == 4


def test_an_invoice_paid_then_voided_in_xero_updates_its_mirror(
    connected: Connection, tenants: Tenants
) -> None:
    scenario.paid_then_voided_in_the_ledger_updates_the_mirror(XERO, connected, tenants)


def test_xeros_mirror_is_never_shown_to_another_organisation(
    connected: Connection, tenants: Tenants
) -> None:
    scenario.never_shown_to_another_organisation(XERO, connected, tenants)
