"""SyncToken: a bookkeeper's edit is never overwritten, and a stale token alone (the
ledger moved, but not in a field Patchbay owns) is re-read and retried."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounting.models import Entity, ExternalRef, Review
from accounting.providers.quickbooks.adapter import QuickBooksAdapter
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Invoice
from sandbox.quickbooks import books
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for


def pushed_invoice(connection: Connection, tenants: Tenants) -> Invoice:
    customer = factories.make_customer(tenants.alpha, name="Harbour Build LLC", currency="USD")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)  # one line, 100.00 net
    helpers.map_everything(connection)
    run = sync(connection)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return invoice


def amend_price(invoice: Invoice, price: str) -> None:
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


def edit_in_the_console(remote_id: str, *, description: str, qty: str, price: str) -> None:
    """The bookkeeper saves the invoice's first line in the sandbox's console, over HTTP."""
    saved = Client().post(
        reverse("sandbox:quickbooks:console"),
        {
            "realm": helpers.US_REALM,
            "action": "invoice-save",
            "invoice": remote_id,
            "line_1_description": description,
            "line_1_qty": qty,
            "line_1_unit_price": price,
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert books.invoice_json(helpers.US_REALM, remote_id)["Line"][0]["Description"] == description


@pytest.mark.parametrize("choice", ["keep_ledger", "push_patchbay"])
def test_both_sides_editing_an_invoice_overwrites_neither_and_resolves_either_way(
    connected: Connection, tenants: Tenants, choice: str
) -> None:
    invoice = pushed_invoice(connected, tenants)
    remote_id = ExternalRef.objects.get(entity=Entity.INVOICE).remote_id
    edit_in_the_console(remote_id, description="Scissor lift, 3 days", qty="3", price="90")
    amend_price(invoice, "130.00")

    run = sync(connected)

    review = Review.objects.get(kind=Review.Kind.CONFLICT, entity=Entity.INVOICE)
    assert run.counts.get("conflicts") == 1
    ledger = books.invoice_json(helpers.US_REALM, remote_id)
    assert ledger["Line"][0]["Description"] == "Scissor lift, 3 days"  # not overwritten
    invoice.refresh_from_db()
    assert invoice.total == Decimal("156.00")  # Patchbay's amendment stands too
    assert review.patchbay_version["lines"][0][2] == "130"
    assert review.ledger_version["lines"][0][:3] == ["Scissor lift, 3 days", "3", "90"]
    bookkeeper = client_for(tenants.bookkeeper)
    page = bookkeeper.get("/settings/accounting/reviews/").content.decode()
    assert "Scissor lift, 3 days" in page and "130" in page

    bookkeeper.post(f"/settings/accounting/reviews/{review.pk}/resolve/", {"choice": choice})
    after = sync(connected)

    assert after.status == SyncRun.Status.SUCCEEDED, after.errors
    ledger = books.invoice_json(helpers.US_REALM, remote_id)
    line = ledger["Line"][0]
    if choice == "keep_ledger":
        assert (line["Description"], line["Amount"]) == ("Scissor lift, 3 days", 270)
    else:
        assert (line["SalesItemLineDetail"]["UnitPrice"], line["Amount"]) == (130, 130)
    assert ExternalRef.objects.get(entity=Entity.INVOICE).state == ExternalRef.State.LINKED
    assert after.counts.get("conflicts", 0) == 0


def test_a_stale_synctoken_alone_is_reread_and_retried_not_a_conflict(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = pushed_invoice(connected, tenants)
    remote_id = ExternalRef.objects.get(entity=Entity.INVOICE).remote_id
    amend_price(invoice, "110.00")
    real_read = QuickBooksAdapter.read

    def read_then_payment_lands(self: QuickBooksAdapter, entity: str, ids: Any) -> Any:
        found = real_read(self, entity, ids)
        if entity == Entity.INVOICE:  # between Patchbay's read and its write
            books.record_payment(helpers.US_REALM, remote_id, "20.00")
        return found

    monkeypatch.setattr(QuickBooksAdapter, "read", read_then_payment_lands)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert not Review.objects.exists()
    ledger = books.invoice_json(helpers.US_REALM, remote_id)
    assert ledger["Line"][0]["Amount"] == 110
    assert Decimal(str(ledger["Balance"])) == Decimal(str(ledger["TotalAmt"])) - Decimal("20")
    writes = AuditEntry.objects.filter(entity=Entity.INVOICE, method="POST").order_by("pk")
    stale, retried = list(writes)[-2:]
    assert "5010" in stale.response_body and stale.outcome == AuditEntry.Outcome.CONFLICT
    assert retried.outcome == AuditEntry.Outcome.UPDATED
    assert stale.idempotency_key != retried.idempotency_key  # a new requestid, new SyncToken
    ref = ExternalRef.objects.get(entity=Entity.INVOICE)
    assert ref.remote_version == str(ledger["SyncToken"])
    invoice.refresh_from_db()
    assert invoice.amount_due == invoice.total - Decimal("20.00")  # the payment came back


def test_a_bookkeeper_edit_between_read_and_write_becomes_a_conflict(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = pushed_invoice(connected, tenants)
    remote_id = ExternalRef.objects.get(entity=Entity.INVOICE).remote_id
    amend_price(invoice, "110.00")
    real_read = QuickBooksAdapter.read

    def read_then_bookkeeper_edits(self: QuickBooksAdapter, entity: str, ids: Any) -> Any:
        found = real_read(self, entity, ids)
        if entity == Entity.INVOICE:
            books.edit_invoice(
                helpers.US_REALM, remote_id, due_date=invoice.due_date + timedelta(days=9)
            )
        return found

    monkeypatch.setattr(QuickBooksAdapter, "read", read_then_bookkeeper_edits)

    run = sync(connected)

    review = Review.objects.get(kind=Review.Kind.CONFLICT)
    assert run.counts.get("conflicts") == 1
    assert review.ledger_version["due_date"] == (invoice.due_date + timedelta(days=9)).isoformat()
    ledger = books.invoice_json(helpers.US_REALM, remote_id)
    assert ledger["Line"][0]["Amount"] == 100  # the write did not go through
