"""One sync run of a connection: customers and items both ways, approved quotes (where
the ledger has a place for them), invoices and credit notes out, payments in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection as db_connection

from accounting.engine import pull, push, records, runs
from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.engine.audit import Recorder
from accounting.mappings import missing_mappings
from accounting.models import Entity, SyncRun
from integrations import health
from integrations.errors import ProviderError
from integrations.limiter import DailyLimitReached, Limiter
from integrations.models import Connection
from integrations.registry import adapter_class_for
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Quote

D = TypeVar("D", Quote, Invoice, CreditNote)
T = TypeVar("T")
PUSHED_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID)


def adapter_for(connection: Connection, run: SyncRun | None) -> AccountingAdapter:
    adapter_class: type[AccountingAdapter] = adapter_class_for(connection.provider)
    limiter = Limiter(connection.provider, connection.remote_id, adapter_class.limits)
    return adapter_class(connection, Recorder(connection, run, limiter, adapter_class.quota))


def _pause_for_the_day(run: SyncRun, limit: DailyLimitReached) -> SyncRun:
    """The daily limit is spent: stop, say so on the card, and come back after the reset."""
    connection = run.connection
    runs.error(run, f"Paused: {limit}.")
    health.mark_degraded(connection, f"Paused: {limit}; syncing resumes then")
    runs.finish(run, SyncRun.Status.PARTIAL)
    Connection.objects.filter(pk=connection.pk).update(
        next_sync_at=limit.resets_at, retry_at=limit.resets_at
    )
    return run


def _invoices(connection: Connection) -> list[Invoice]:
    return list(
        records.of_entity(Invoice.objects.for_organisation(connection.organisation), connection)
        .filter(status__in=PUSHED_STATUSES)
        .select_related("customer")
        .prefetch_related("lines__tax_category", "lines__income_category", "lines__item")
        .order_by("pk")
    )


def _credit_notes(connection: Connection) -> list[CreditNote]:
    return list(
        records.of_entity(CreditNote.objects.for_organisation(connection.organisation), connection)
        .filter(status=CreditNote.Status.ISSUED)
        .prefetch_related("lines")
        .order_by("pk")
    )


def _approved_quotes(connection: Connection) -> list[Quote]:
    rows = Quote.objects.for_organisation(connection.organisation).filter(
        status=Quote.Status.APPROVED
    )
    if connection.legal_entity_id is not None:  # a quote belongs to its customer's entity
        rows = rows.filter(customer__legal_entity_id=connection.legal_entity_id)
    return list(rows.prefetch_related("lines__item").order_by("pk"))


def push_customers(run: SyncRun, adapter: AccountingAdapter) -> None:
    connection = run.connection
    customers = records.of_entity(
        Customer.objects.for_organisation(connection.organisation), connection
    ).order_by("pk")
    payloads = [(c.pk, adapter.customer_payload(c)) for c in customers]
    push.push(run, adapter, Entity.CUSTOMER, payloads)


def push_items(run: SyncRun, adapter: AccountingAdapter) -> None:
    items = EquipmentItem.objects.for_organisation(run.connection.organisation).order_by("pk")
    push.push(run, adapter, Entity.ITEM, [(i.pk, adapter.item_payload(i)) for i in items])


def _with_contacts(run: SyncRun, documents: Sequence[D]) -> list[tuple[D, str]]:
    """Documents whose customer is linked; the others wait (their customer's push failed
    or is held for review, which that phase recorded)."""
    contacts = push.linked_remote_ids(
        run.connection, Entity.CUSTOMER, [d.customer_id for d in documents]
    )
    return [(d, contacts[d.customer_id]) for d in documents if d.customer_id in contacts]


def push_quotes(run: SyncRun, adapter: AccountingAdapter, mappings: Mappings) -> None:
    """Approved quotes, for a ledger that has them (drafts stay in Patchbay)."""
    if not adapter.pushes_quotes:
        return
    records = [
        (quote.pk, adapter.quote_payload(quote, mappings, contact))
        for quote, contact in _with_contacts(run, _approved_quotes(run.connection))
    ]
    push.push(run, adapter, Entity.QUOTE, records)


def push_invoices(
    run: SyncRun, adapter: AccountingAdapter, mappings: Mappings, invoices: list[Invoice]
) -> None:
    records = [
        (invoice.pk, adapter.invoice_payload(invoice, mappings, contact))
        for invoice, contact in _with_contacts(run, invoices)
    ]
    push.push(run, adapter, Entity.INVOICE, records)


def push_credit_notes(run: SyncRun, adapter: AccountingAdapter, mappings: Mappings) -> None:
    records = [
        (note.pk, adapter.credit_note_payload(note, mappings, contact))
        for note, contact in _with_contacts(run, _credit_notes(run.connection))
    ]
    push.push(run, adapter, Entity.CREDIT_NOTE, records)


def _ahead(adapter: AccountingAdapter, load: Callable[[], T]) -> Callable[[], T]:
    """Start a big read now, in a thread with its own connection, while the next phases
    wait on the network; where pushes run one at a time, read when asked instead."""
    if push.concurrency(adapter) == 1:
        return load

    def in_thread() -> T:
        try:
            return load()
        finally:
            db_connection.close()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
    future = pool.submit(in_thread)
    pool.shutdown(wait=False)  # the read carries on; .result() waits for it
    return future.result


def _phases(run: SyncRun, adapter: AccountingAdapter) -> None:
    for entity in records.TWO_WAY:
        runs.progress(run, phase=f"{entity}s from the ledger", done=0, total=0)
        pull.pull_records(run, adapter, entity)
    invoices = _ahead(adapter, lambda: _invoices(run.connection))
    push_customers(run, adapter)
    push_items(run, adapter)
    mappings = Mappings.of(run.connection)
    push_quotes(run, adapter, mappings)
    push_invoices(run, adapter, mappings, invoices())
    push_credit_notes(run, adapter, mappings)
    runs.progress(run, phase="payments", done=0, total=0)
    pull.pull_payments(run, adapter)


def run_sync(connection: Connection, trigger: str, run: SyncRun | None = None) -> SyncRun:
    """Sync now; ``run`` is one already opened (Sync Now opens it to show progress at once)."""
    run = run or runs.start(connection, trigger)
    missing = missing_mappings(connection)
    if missing:
        runs.error(run, "Map these before the first sync: " + ", ".join(missing) + ".")
        return runs.finish(run, SyncRun.Status.REFUSED)
    adapter = adapter_for(connection, run)
    try:
        _phases(run, adapter)
    except DailyLimitReached as limit:
        return _pause_for_the_day(run, limit)
    except ProviderError as error:
        runs.error(run, error.message)
        return runs.finish(run, SyncRun.Status.FAILED)
    except BaseException:
        runs.finish(run, SyncRun.Status.FAILED)
        raise
    return runs.finish(run)
