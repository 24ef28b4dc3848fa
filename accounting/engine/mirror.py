"""The ledger mirror: invoices and payments a bookkeeper made in the ledger itself, for a
customer Patchbay knows, copied read-only so the customer's page shows their whole
account without calling the provider.

One incremental read of the ledger's sales invoices per sync (``adapter.ledger_invoices``,
from its own cursor), which the adapters answer from the removed documents' read of the
same run where that one listed every invoice changed (so a quiet sync makes no call of
its own); payments come free with the payments pull the engine makes anyway
(``pull._apply_payment`` hands over a payment on an invoice Patchbay did not push). What
Patchbay pushed is left out (its links say so), and an invoice of a customer Patchbay has
no link for is skipped and counted, to be picked up once the customer is linked and the
invoice next changes (or the mirror is read afresh).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounting.engine import pull
from accounting.engine.adapter import AccountingAdapter, IncomingPayment, LedgerInvoice
from accounting.models import (
    LEDGER_INVOICES,
    REMOVED_DOCUMENTS,
    Entity,
    ExternalRef,
    LedgerDocument,
    SyncCursor,
)
from integrations import runs
from integrations.models import SyncRun
from operations import money

# The run's count of invoices passed over because their customer has no link yet.
UNLINKED = "ledger invoices skipped (customer not linked)"
MIRRORED = "mirrored from the ledger"
CURSOR = LEDGER_INVOICES[0]
REMOVED = REMOVED_DOCUMENTS[0]
Document = LedgerDocument


def _linked_customers(run: SyncRun) -> dict[str, int]:
    """The ledger's contact id -> Patchbay customer id, of every linked customer."""
    rows = ExternalRef.objects.filter(
        connection=run.connection, entity=Entity.CUSTOMER, state=ExternalRef.State.LINKED
    ).exclude(remote_id="")
    return dict(rows.values_list("remote_id", "local_id"))


def pull_ledger_invoices(run: SyncRun, adapter: AccountingAdapter) -> None:
    """Read the ledger's sales invoices changed since the last look into the mirror.

    The cursor is the time the read began (less an overlap for the provider's clock and
    late commits), as for the removed documents' read (``removals.pull_removed``) and
    taken from it (``_cursor_and_start``): so a quiet ledger's cursor keeps up (QuickBooks CDC
    reaches back 30 days only), and the adapter can answer from that read, made earlier
    in the same run over the same window, instead of calling again. No customer linked
    yet means no invoice could be mirrored: no call is made and the cursor stays, so the
    first read after a link takes in the ledger's history.
    """
    customers = _linked_customers(run)
    if not customers:
        return
    cursor, began = _cursor_and_start(run)
    since = cursor.high_water - pull.OVERLAP if cursor.high_water else None
    while True:
        page = adapter.ledger_invoices(since, cursor.page)
        _apply_page(run, customers, page.invoices)
        runs.bump_done(run, len(page.invoices))
        if not page.more:
            break
        cursor.page += 1
        cursor.save(update_fields=["page"])  # a crash resumes from this page
    cursor.high_water = began
    cursor.page = 1
    cursor.save(update_fields=["high_water", "page"])


def _cursor_and_start(run: SyncRun) -> tuple[SyncCursor, datetime]:
    """The mirror's cursor, and when this run's look at the ledger's invoices began: the
    removed documents' read earlier in the run, whose answer the adapter may reuse (an
    invoice made in the ledger after that read and before this phase must not fall
    behind the cursor), else now."""
    removed = pull.read_cursors(run).get(REMOVED)
    read_at = removed.high_water if removed is not None else None
    began = read_at if read_at is not None and read_at >= run.started_at else timezone.now()
    return pull.read_cursor(run, CURSOR), began


def _apply_page(run: SyncRun, customers: dict[str, int], invoices: list[LedgerInvoice]) -> None:
    if not invoices:
        return
    ids = [invoice.remote_id for invoice in invoices]
    # Patchbay's own invoices (pushed, or linked to one of its records) are not mirrored.
    ours = set(
        ExternalRef.objects.filter(
            connection=run.connection, entity=Entity.INVOICE, remote_id__in=ids
        ).values_list("remote_id", flat=True)
    )
    held = {
        row.remote_id: row
        for row in Document.objects.filter(
            connection=run.connection, kind=Document.Kind.INVOICE, remote_id__in=ids
        )
    }
    for invoice in invoices:
        if invoice.remote_id in ours:
            held_row = held.get(invoice.remote_id)
            if held_row is not None:  # linked since it was mirrored: Patchbay's now
                held_row.delete()
            continue
        _apply_invoice(run, customers, invoice, held.get(invoice.remote_id))


def _unchanged(row: LedgerDocument, invoice: LedgerInvoice) -> bool:
    """Seen as it is: the same change time *and* figures. QuickBooks stamps a change to
    the second, so a payment in the same second as the last read keeps the time."""
    return (row.ledger_updated_at, row.total, row.amount_due) == (
        invoice.updated_at,
        invoice.total,
        invoice.amount_due,
    ) and (row.status == invoice.status or invoice.status not in Document.Status.values)


def _apply_invoice(
    run: SyncRun,
    customers: dict[str, int],
    invoice: LedgerInvoice,
    row: LedgerDocument | None,
) -> None:
    if row is None and invoice.status in ("draft", Document.Status.DELETED):
        runs.count(run, "skipped")  # not (or no longer) in the customer's account
        return
    if row is not None and _unchanged(row, invoice):
        runs.count(run, "skipped")  # seen already (the cursor reads a little behind)
        return
    customer_id = customers.get(invoice.contact_remote_id)
    if customer_id is None and row is None:
        runs.count(run, UNLINKED)
        return
    if not (money.fits(invoice.total) and money.fits(invoice.amount_due)):
        runs.error(
            run,
            f"Ledger invoice {invoice.number or invoice.remote_id} is too large to show.",
            entity="ledger_invoice",
            remote_id=invoice.remote_id,
        )
        return
    fields = {
        "customer_id": customer_id or (row.customer_id if row else None),
        "number": invoice.number[:60],
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "currency": invoice.currency[:3],
        "total": invoice.total,
        "amount_due": invoice.amount_due,
        # A draft again (QuickBooks has none; Xero and Sage don't go back) reads as issued.
        "status": invoice.status if invoice.status in Document.Status.values else "issued",
        "ledger_updated_at": invoice.updated_at,
    }
    if row is None:
        Document.objects.create(
            organisation_id=run.connection.organisation_id,
            connection=run.connection,
            kind=Document.Kind.INVOICE,
            remote_id=invoice.remote_id,
            **fields,
        )
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
    runs.count(run, MIRRORED)


def apply_payment(run: SyncRun, payment: IncomingPayment) -> bool:
    """A ledger payment on an invoice Patchbay did not push: into the mirror when the
    invoice is a mirrored one (True), else left alone (False)."""
    invoice = Document.objects.filter(
        connection=run.connection,
        kind=Document.Kind.INVOICE,
        remote_id=payment.invoice_remote_id,
    ).first()
    if invoice is None or not payment.invoice_remote_id:
        return False
    if not money.fits(payment.amount):
        return False
    fields = {
        "customer_id": invoice.customer_id,
        "invoice": invoice,
        "number": payment.reference[:60],
        "issued_on": payment.paid_on,
        "currency": invoice.currency,
        "total": payment.amount,
        "amount_due": 0,
        "status": Document.Status.PAID,
        "ledger_updated_at": payment.updated_at,
    }
    Document.objects.update_or_create(
        connection=run.connection,
        kind=Document.Kind.PAYMENT,
        remote_id=payment.remote_id,
        defaults=fields,
        create_defaults={**fields, "organisation_id": run.connection.organisation_id},
    )
    runs.count(run, MIRRORED)
    return True


def remove_payment(run: SyncRun, payment: IncomingPayment) -> bool:
    """A mirrored payment deleted in the ledger: it leaves the mirror (its invoice's
    amount due comes back with the invoice's own next read)."""
    gone, _ = Document.objects.filter(
        connection=run.connection, kind=Document.Kind.PAYMENT, remote_id=payment.remote_id
    ).delete()
    if gone:
        runs.count(run, MIRRORED)
    return bool(gone)
