"""An invoice Patchbay pushed to Sage, removed by the bookkeeper in the sandbox's console:
a draft deleted (listed by ``deleted_since``) or a released invoice voided (``DELETE``
with a void reason; kept with status VOID). The next sync sends it to review; Push it
again makes one new draft, Leave it marks it removed. Shared scenarios:
tests/accounting/removed_in_ledger.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounting.providers.sage import mapping
from integrations.models import AuditEntry, Connection
from operations.models import Invoice
from sandbox.sage.models.books import SageSalesInvoice, Status
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.accounting import removed_in_ledger as scenario
from tests.conftest import Tenants


def _live(invoice: Invoice) -> list[str]:
    rows = SageSalesInvoice.objects.filter(
        business__guid=DEMO_HIRE_UK, reference=invoice.number, deleted_at__isnull=True
    ).exclude(status=Status.VOID)
    return list(rows.order_by("pk").values_list("guid", flat=True))


def _fields(remote_id: str) -> dict[str, str]:
    return {"business": DEMO_HIRE_UK, "invoice": remote_id, "void_reason": "Raised in error"}


def _release(connection: Connection, remote_id: str) -> None:
    scenario.in_the_console(SAGE, "invoice-release", remote_id)
    assert SageSalesInvoice.objects.get(guid=remote_id).status == Status.UNPAID


SAGE = scenario.Ledger(
    name="Sage Business Cloud",
    console=reverse("sandbox:sage:console"),
    console_fields=_fields,
    live_invoices=_live,
    delete_action="invoice-delete",
    void_action="invoice-delete",  # Sage voids what it cannot delete (a released invoice)
    before_void=_release,
)


def test_a_draft_deleted_in_sage_goes_to_review_and_push_it_again_makes_one_new_draft(
    sage_connected: Connection, tenants: Tenants
) -> None:
    scenario.deleted_goes_to_review_and_is_pushed_again_once(SAGE, sage_connected, tenants)


@pytest.mark.parametrize("void", [False, True], ids=["deleted", "voided"])
def test_an_invoice_removed_in_sage_and_left_says_removed_and_is_never_sent_again(
    sage_connected: Connection, tenants: Tenants, void: bool
) -> None:
    scenario.removed_and_left_says_so_and_is_never_sent_again(
        SAGE, sage_connected, tenants, void=void
    )


def test_a_quiet_sync_asks_sage_twice_for_removed_invoices(
    sage_connected: Connection, tenants: Tenants
) -> None:
    scenario.pushed(SAGE, sage_connected, tenants)
    run = scenario.sync(sage_connected)
    reads = AuditEntry.objects.filter(run=run, direction="pull", entity="invoice")
    urls = sorted(reads.values_list("url", flat=True))
    assert len(urls) == 2 and all("/sales_invoices?" in url for url in urls)
    assert sum("deleted_since=" in url for url in urls) == 1  # drafts deleted
    # Issued ones voided, read whole: the ledger mirror takes its invoices from the same
    # answer (accounting.engine.mirror).
    assert sum("attributes=all" in url for url in urls) == 1
    assert not AuditEntry.objects.filter(run=run, url__contains="sales_credit_notes").exists()


def test_listed_artefacts_become_removals_by_their_own_words() -> None:
    from datetime import UTC, datetime

    since = datetime(2026, 12, 1, tzinfo=UTC)
    unpaid = {"id": "a1", "status": {"id": "UNPAID"}, "updated_at": "2026-12-02T09:00:00Z"}
    assert not mapping.is_void(unpaid)
    void = {**unpaid, "status": {"id": "VOID"}}
    assert mapping.is_void(void) and mapping.voided("invoice", void, since).at.day == 2
    gone = mapping.deleted_artefact("invoice", {"id": "a2"}, since)
    assert (gone.how, gone.at) == ("deleted", since)  # no deleted_at: the read's start
