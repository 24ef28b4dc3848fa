"""Invoices a bookkeeper makes in Sage for a customer Patchbay knows, mirrored read-only
onto the customer's page (tests/accounting/ledger_mirror.py has the shared scenarios)."""

from __future__ import annotations

from django.urls import reverse

from integrations.models import AuditEntry, Connection
from sandbox.sage import books
from sandbox.sage.models.books import SageSalesInvoice
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.accounting import ledger_mirror as scenario
from tests.conftest import Tenants


def _added(description: str) -> str:
    return str(SageSalesInvoice.objects.get(lines__description=description).guid)


def _unpay(remote_id: str) -> None:
    for payment in books.payments_of(DEMO_HIRE_UK):
        shares = payment.allocated.filter(invoice__guid=remote_id)
        if payment.deleted_at is None and shares.exists():
            books.delete_payment(DEMO_HIRE_UK, payment.guid)


SAGE = scenario.Ledger(
    name="Sage Business Cloud",
    console=reverse("sandbox:sage:console"),
    company={"business": DEMO_HIRE_UK},
    contact_field="contact",
    added=_added,
    total=lambda remote_id: SageSalesInvoice.objects.get(guid=remote_id).total_amount,
    pay=lambda remote_id, amount: books.record_payment(DEMO_HIRE_UK, remote_id, amount),
    unpay=_unpay,
    void=lambda remote_id: books.void_invoice(DEMO_HIRE_UK, remote_id),
)


def test_an_invoice_added_in_sages_console_shows_on_the_customer_page_with_no_call(
    sage_connected: Connection, tenants: Tenants
) -> None:
    scenario.manual_invoice_shows_on_the_customer_page(SAGE, sage_connected, tenants)


def test_a_quiet_sync_mirrors_nothing_and_costs_no_call_of_its_own_in_sage(
    sage_connected: Connection, tenants: Tenants
) -> None:
    calls = scenario.quiet_sync_reads_nothing_new(SAGE, sage_connected, tenants)
    quiet = AuditEntry.objects.filter(connection=sage_connected).order_by("-pk").first()
    assert quiet is not None
    # One listing of the invoices changed (whole), serving both the removed documents and
    # the mirror, and one of those deleted.
    listings = AuditEntry.objects.filter(run=quiet.run, url__contains="/sales_invoices?")
    assert len([e for e in listings if "attributes=all" in e.url]) == 1
    assert len([e for e in listings if "deleted_since=" in e.url]) == 1
    # Customers and payments (changes and deletions of each), items, and the invoices'
    # two: as many as before the mirror.
    urls = [e.url for e in AuditEntry.objects.filter(run=quiet.run)]
    assert calls == 7, urls


def test_an_invoice_paid_then_voided_in_sage_updates_its_mirror(
    sage_connected: Connection, tenants: Tenants
) -> None:
    scenario.paid_then_voided_in_the_ledger_updates_the_mirror(SAGE, sage_connected, tenants)


def test_sages_mirror_is_never_shown_to_another_organisation(
    sage_connected: Connection, tenants: Tenants
) -> None:
    scenario.never_shown_to_another_organisation(SAGE, sage_connected, tenants)
