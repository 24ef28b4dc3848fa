"""A pushed invoice deleted or voided in the ledger, acted out the same way against each
provider's sandbox: the bookkeeper removes it in the sandbox's console (over HTTP, as a
person would in the ledger's web app), the next sync opens a review, and "Push it again"
or "Leave it" decides what happens next. Each provider's test module supplies a
``Ledger`` that knows its sandbox; the assertions are the same for all three."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client

from accounting.engine.sync import run_sync
from accounting.models import Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Invoice
from tests import factories
from tests.conftest import Tenants, client_for


@dataclass(frozen=True)
class Ledger:
    name: str  # as Patchbay names it: "Xero", "QuickBooks", "Sage"
    console: str  # the sandbox console's path
    # The POST fields that pick the company and invoice in the console.
    console_fields: Callable[[str], dict[str, str]]
    # Live (neither deleted nor voided) invoices in the sandbox carrying this number.
    live_invoices: Callable[[Invoice], list[str]]
    # The console action that deletes a draft, and one that voids an issued invoice.
    delete_action: str
    void_action: str = ""
    # Whatever must happen in the ledger before an invoice can be voided (approve it).
    before_void: Callable[[Connection, str], None] | None = None
    # What the ledger's company needs of a customer (a currency it trades in).
    customer: dict[str, str] | None = None


def sync(connection: Connection) -> SyncRun:
    fresh = Connection.objects.select_related("organisation", "legal_entity").get(pk=connection.pk)
    run = run_sync(fresh, SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return run


def invoice_creates(connection: Connection) -> list[AuditEntry]:
    """The calls that created invoices in the ledger, oldest first."""
    return list(
        AuditEntry.objects.filter(
            connection=connection,
            direction="push",
            entity=Entity.INVOICE,
            outcome=AuditEntry.Outcome.CREATED,
        ).order_by("pk")
    )


def invoice_writes(connection: Connection) -> int:
    """Every call that wrote an invoice (created or updated one)."""
    return AuditEntry.objects.filter(
        connection=connection, direction="push", entity=Entity.INVOICE
    ).count()


def pushed(ledger: Ledger, connection: Connection, tenants: Tenants) -> tuple[Invoice, ExternalRef]:
    customer = factories.make_customer(tenants.alpha, "Removal Hire Ltd", **(ledger.customer or {}))
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    sync(connection)
    ref = ExternalRef.objects.get(connection=connection, entity=Entity.INVOICE, local_id=invoice.pk)
    assert ref.state == ExternalRef.State.LINKED and ref.remote_id
    return invoice, ref


def in_the_console(ledger: Ledger, action: str, remote_id: str) -> None:
    """The bookkeeper acts on the invoice in the sandbox console, over HTTP."""
    answer = Client().post(
        ledger.console, {"action": action, **ledger.console_fields(remote_id)}, follow=True
    )
    assert answer.status_code == 200


def amend(invoice: Invoice, price: str) -> None:
    line = invoice.lines.get()
    services.amend_issued_invoice(
        invoice,
        lines=[
            services.LineInput(
                description=line.description,
                unit_price=Decimal(price),
                tax_category=line.tax_category,
                income_category=line.income_category,
            )
        ],
    )


def invoice_page(tenants: Tenants, invoice: Invoice) -> str:
    return client_for(tenants.bookkeeper).get(f"/invoices/{invoice.pk}/").content.decode()


def resolve(tenants: Tenants, review: Review, choice: str) -> None:
    answer = client_for(tenants.bookkeeper).post(
        f"/settings/accounting/reviews/{review.pk}/resolve/", {"choice": choice}
    )
    assert answer.status_code == 302


def deleted_goes_to_review_and_is_pushed_again_once(
    ledger: Ledger, connection: Connection, tenants: Tenants
) -> None:
    invoice, ref = pushed(ledger, connection, tenants)
    first_key = invoice_creates(connection)[-1].idempotency_key
    writes_before = invoice_writes(connection)

    in_the_console(ledger, ledger.delete_action, ref.remote_id)
    assert ledger.live_invoices(invoice) == []
    noticed = sync(connection)

    review = Review.objects.get(connection=connection, resolution=Review.Resolution.OPEN)
    assert (review.kind, review.entity, review.local_id) == ("removed", "invoice", invoice.pk)
    message = review.ledger_version["message"]
    assert message.startswith(f"{invoice.number} was deleted in {ledger.name} on "), message
    assert noticed.counts.get("review") == 1
    reviews_page = client_for(tenants.bookkeeper).get("/settings/accounting/reviews/")
    assert message in reviews_page.content.decode()
    page = invoice_page(tenants, invoice)
    assert message in page and "Choose Push it again or Leave it" in page
    assert "In review" in page

    # Edited while the review is open, and synced twice (the second sync sees the same
    # deletion again through the cursor's overlap): nothing is sent, no second review.
    amend(invoice, "150.00")
    again = sync(connection)
    sync(connection)
    assert invoice_writes(connection) == writes_before
    assert ledger.live_invoices(invoice) == []
    assert Review.objects.filter(connection=connection).count() == 1
    assert again.counts.get("review") is None

    resolve(tenants, review, "push_again")
    review.refresh_from_db()
    assert review.resolution == Review.Resolution.PUSHED_AGAIN
    assert review.resolved_by_id == tenants.bookkeeper.pk
    repushed = sync(connection)

    [new_draft] = ledger.live_invoices(invoice)
    creates = invoice_creates(connection)
    assert invoice_writes(connection) == writes_before + 1  # one call, one new draft
    assert creates[-1].idempotency_key != first_key
    assert repushed.counts.get("created") == 1
    ref.refresh_from_db()
    assert (ref.state, ref.remote_id, ref.attempt) == (ExternalRef.State.LINKED, new_draft, 1)
    assert new_draft != review.remote_id

    # Later syncs see the old deletion again, and the new draft: nothing more happens.
    sync(connection)
    assert invoice_writes(connection) == writes_before + 1
    assert ledger.live_invoices(invoice) == [new_draft]
    assert Review.objects.filter(connection=connection, resolution="").count() == 0
    assert "Pushed" in invoice_page(tenants, invoice)


def removed_and_left_says_so_and_is_never_sent_again(
    ledger: Ledger, connection: Connection, tenants: Tenants, *, void: bool = False
) -> None:
    invoice, ref = pushed(ledger, connection, tenants)
    if void and ledger.before_void is not None:
        ledger.before_void(connection, ref.remote_id)
    writes_before = invoice_writes(connection)
    in_the_console(ledger, ledger.void_action if void else ledger.delete_action, ref.remote_id)
    sync(connection)

    review = Review.objects.get(connection=connection, resolution=Review.Resolution.OPEN)
    how = "voided" if void else "deleted"
    message = review.ledger_version["message"]
    assert message.startswith(f"{invoice.number} was {how} in {ledger.name} on "), message
    resolve(tenants, review, "leave_removed")
    amend(invoice, "175.00")
    sync(connection)
    sync(connection)

    ref.refresh_from_db()
    assert ref.state == ExternalRef.State.REMOVED
    assert invoice_writes(connection) == writes_before
    assert ledger.live_invoices(invoice) == []
    assert Review.objects.filter(connection=connection, resolution="").count() == 0
    page = invoice_page(tenants, invoice)
    assert f"Removed in {ledger.name}" in page
    assert "Removed in the ledger" in page  # the badge
    assert ">Pushed<" not in page and f"In {ledger.name} as" not in page
    listed = client_for(tenants.bookkeeper).get("/invoices/", {"ledger": "removed"})
    assert invoice.number in listed.content.decode()
    pushed_list = client_for(tenants.bookkeeper).get("/invoices/", {"ledger": "pushed"})
    assert invoice.number not in pushed_list.content.decode()
