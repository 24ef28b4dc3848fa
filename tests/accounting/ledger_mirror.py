"""The ledger mirror acted out against each provider's sandbox: a bookkeeper adds an
invoice for a customer Patchbay knows in the sandbox's console (over HTTP, as in the
ledger's web app), the next sync copies it into the mirror, and the customer's page shows
it with no provider call while it loads. Each provider's test module supplies a
``Ledger``; the assertions are the same for all three."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from accounting.engine import mirror
from accounting.models import Entity, ExternalRef, LedgerDocument
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import Customer
from tests import factories
from tests.accounting.removed_in_ledger import sync
from tests.conftest import Tenants, client_for
from tests.outbound import refused_outbound

DESCRIPTION = "Cable run, keyed in by the bookkeeper"


@dataclass(frozen=True)
class Ledger:
    name: str  # as Patchbay names it
    console: str  # the sandbox console's path
    # The POST fields that pick the company in the console, and the name of the field
    # that picks the customer (contact) of a new invoice.
    company: dict[str, str]
    contact_field: str
    # The sandbox invoice's id, found by the description of its one line.
    added: Callable[[str], str]
    # Pay (part of) an invoice in the ledger, delete its payments there, and void it.
    pay: Callable[[str, Decimal], object]
    unpay: Callable[[str], None]
    void: Callable[[str], object]
    # The invoice's total as the sandbox holds it (its tax added, if any).
    total: Callable[[str], Decimal]
    # What the ledger's company needs of a customer (a currency it trades in).
    customer: dict[str, str] | None = None


def known_customer(ledger: Ledger, connection: Connection, tenants: Tenants) -> Customer:
    """A customer Patchbay pushed (with an invoice of its own), so linked in the ledger."""
    customer = factories.make_customer(tenants.alpha, "Mirror Hire Ltd", **(ledger.customer or {}))
    factories.make_issued_invoice(tenants.alpha, customer)
    sync(connection)
    return customer


def contact_of(connection: Connection, customer: Customer) -> str:
    ref = ExternalRef.objects.get(
        connection=connection, entity=Entity.CUSTOMER, local_id=customer.pk
    )
    assert ref.state == ExternalRef.State.LINKED and ref.remote_id
    return ref.remote_id


def add_in_the_console(ledger: Ledger, contact: str, amount: str = "240.00") -> str:
    """The bookkeeper's own invoice, through the console's "Add an invoice" form."""
    fields = {
        "action": "invoice-add",
        ledger.contact_field: contact,
        "description": DESCRIPTION,
        "amount": amount,
        "due_date": "2031-01-31",
        **ledger.company,
    }
    answer = Client().post(ledger.console, fields, follow=True)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "added for" in page, page[:3000]
    return ledger.added(DESCRIPTION)


def customer_page(tenants: Tenants, customer: Customer) -> str:
    """The customer's page as the bookkeeper loads it, with every outbound call refused
    and recorded, and the audit log checked for calls made: none may happen."""
    calls_before = AuditEntry.objects.count()
    url = reverse("operations:customer_detail", kwargs={"pk": customer.pk})
    with refused_outbound() as attempts:
        answer = client_for(tenants.bookkeeper).get(url)
    assert answer.status_code == 200
    assert attempts == []
    assert AuditEntry.objects.count() == calls_before
    return answer.content.decode()


def mirrored(connection: Connection, customer: Customer | int) -> list[LedgerDocument]:
    """The customer's mirrored invoices (the sandboxes' seeded customers, pulled into
    Patchbay by the sync, bring their seeded invoices into the mirror too)."""
    return list(
        LedgerDocument.objects.filter(
            connection=connection, kind=LedgerDocument.Kind.INVOICE, customer=customer
        )
    )


def manual_invoice_shows_on_the_customer_page(
    ledger: Ledger, connection: Connection, tenants: Tenants
) -> LedgerDocument:
    customer = known_customer(ledger, connection, tenants)
    remote_id = add_in_the_console(ledger, contact_of(connection, customer))

    run = sync(connection)

    [row] = mirrored(connection, customer)  # Patchbay's own invoice is not mirrored
    assert (row.remote_id, row.customer_id, row.status) == (remote_id, customer.pk, "issued")
    assert row.total == ledger.total(remote_id) == row.amount_due >= Decimal("240.00")
    assert row.due_on is not None and row.due_on.isoformat() == "2031-01-31"
    assert run.counts.get(mirror.MIRRORED, 0) >= 1
    page = customer_page(tenants, customer)
    assert f"From {ledger.name}: invoices made in the ledger" in page
    assert row.number and row.number in page
    assert "Full account" in page
    assert f"{row.total:,.2f}" in page
    return row


def quiet_sync_reads_nothing_new(ledger: Ledger, connection: Connection, tenants: Tenants) -> int:
    """A sync with nothing changed mirrors nothing; returns the calls the mirror's read
    made in it (asserted by each provider)."""
    row = manual_invoice_shows_on_the_customer_page(ledger, connection, tenants)
    settled = sync(connection)  # the overlap re-reads the invoice once: unchanged
    quiet = sync(connection)
    assert quiet.counts.get(mirror.MIRRORED) is None, quiet.counts
    assert settled.counts.get(mirror.UNLINKED) is None
    assert len(mirrored(connection, row.customer_id)) == 1
    return AuditEntry.objects.filter(run=quiet).count()


def paid_then_voided_in_the_ledger_updates_the_mirror(
    ledger: Ledger, connection: Connection, tenants: Tenants
) -> None:
    row = manual_invoice_shows_on_the_customer_page(ledger, connection, tenants)
    ledger.pay(row.remote_id, Decimal("40.00"))
    sync(connection)
    row.refresh_from_db()
    assert row.status == "partially_paid"
    assert row.amount_due == row.total - Decimal("40.00")
    [payment] = LedgerDocument.objects.filter(connection=connection, kind="payment", invoice=row)
    assert (payment.invoice_id, payment.total, payment.customer_id) == (
        row.pk,
        Decimal("40.00"),
        row.customer_id,
    )
    page = customer_page(tenants, row.customer)
    assert "Payments on them in" in page and "40.00" in page

    # The ledgers refuse to void a paid invoice: the payment is deleted first.
    ledger.unpay(row.remote_id)
    ledger.void(row.remote_id)
    sync(connection)
    row.refresh_from_db()
    assert row.status == "void" and row.amount_due == 0
    assert not LedgerDocument.objects.filter(connection=connection, invoice=row).exists()
    page = customer_page(tenants, row.customer)
    assert "Voided in the ledger" in page


def never_shown_to_another_organisation(
    ledger: Ledger, connection: Connection, tenants: Tenants
) -> None:
    row = manual_invoice_shows_on_the_customer_page(ledger, connection, tenants)
    url = reverse("operations:customer_detail", kwargs={"pk": row.customer_id})
    outsider = client_for(tenants.outsider)
    assert outsider.get(url).status_code == 404
    # Bravo's own customer page of the same name shows nothing of Alpha's ledger.
    theirs = factories.make_customer(tenants.bravo, "Mirror Hire Ltd")
    page = outsider.get(reverse("operations:customer_detail", kwargs={"pk": theirs.pk}))
    assert page.status_code == 200
    assert row.number not in page.content.decode()
    assert SyncRun.objects.filter(connection__organisation=tenants.bravo).count() == 0
