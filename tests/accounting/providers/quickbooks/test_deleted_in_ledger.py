"""An invoice Patchbay pushed to QuickBooks, deleted or voided by the bookkeeper in the
sandbox's console: CDC reports the deletion as a ``status: "Deleted"`` stub and the void
as a zeroed invoice marked Voided; the next sync sends it to review, Push it again makes
one new invoice, Leave it marks it removed. Shared scenarios:
tests/accounting/removed_in_ledger.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounting.providers.quickbooks import mapping
from integrations.models import AuditEntry, Connection
from operations.models import Invoice
from sandbox.quickbooks import books
from tests import factories
from tests.accounting import removed_in_ledger as scenario
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import Tenants


def _live(invoice: Invoice) -> list[str]:
    return [
        row.entity_id
        for row in books.invoices_of(helpers.US_REALM)
        if row.data.get("DocNumber") == invoice.number
        and not ("Voided" in str(row.data.get("PrivateNote")) and not row.data.get("TotalAmt"))
    ]


QUICKBOOKS = scenario.Ledger(
    name="QuickBooks Online",
    console=reverse("sandbox:quickbooks:console"),
    console_fields=lambda remote_id: {"realm": helpers.US_REALM, "invoice": remote_id},
    live_invoices=_live,
    delete_action="invoice-delete",
    void_action="invoice-void",
    customer={"currency": "USD"},
)


@pytest.fixture
def mapped(connected: Connection, tenants: Tenants) -> Connection:
    factories.line(tenants.alpha, "1.00")  # the tax and income categories to map
    helpers.map_everything(connected)
    return connected


def test_an_invoice_deleted_in_quickbooks_goes_to_review_and_push_it_again_makes_one(
    mapped: Connection, tenants: Tenants
) -> None:
    scenario.deleted_goes_to_review_and_is_pushed_again_once(QUICKBOOKS, mapped, tenants)


@pytest.mark.parametrize("void", [False, True], ids=["deleted", "voided"])
def test_an_invoice_removed_in_quickbooks_and_left_says_removed_and_is_never_sent_again(
    mapped: Connection, tenants: Tenants, void: bool
) -> None:
    scenario.removed_and_left_says_so_and_is_never_sent_again(
        QUICKBOOKS, mapped, tenants, void=void
    )


def test_a_quiet_sync_asks_cdc_once_for_the_kinds_in_the_ledger(
    mapped: Connection, tenants: Tenants
) -> None:
    scenario.pushed(QUICKBOOKS, mapped, tenants)
    run = scenario.sync(mapped)
    [read] = AuditEntry.objects.filter(run=run, direction="pull", entity="invoice")
    assert "/cdc?" in read.url and "entities=Invoice&" in read.url  # no credit memo linked


def test_cdc_rows_become_removals_only_when_deleted_or_voided() -> None:
    stamp = {"MetaData": {"LastUpdatedTime": "2026-12-01T10:00:00-08:00"}}
    open_invoice = {"Id": "7", "TotalAmt": 120, "Balance": 120, **stamp}
    assert mapping.removal("invoice", open_invoice) is None
    deleted = mapping.removal("credit_note", {"Id": "8", "status": "Deleted", **stamp})
    assert deleted is not None and (deleted.how, deleted.remote_id) == ("deleted", "8")
    voided = {**open_invoice, "TotalAmt": 0, "Balance": 0, "PrivateNote": "Voided"}
    found = mapping.removal("invoice", voided)
    assert found is not None and found.how == "voided"
    assert found.at.utcoffset() is not None and found.at.hour == 18  # 10:00 at -08:00
    assert Decimal(0) == Decimal(str(voided["TotalAmt"]))
