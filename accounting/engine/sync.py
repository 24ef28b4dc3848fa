"""One sync run of a connection: customers and items both ways, approved quotes (where
the ledger has a place for them), invoices and credit notes out, payments in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connection as db_connection

from accounting.engine import (
    due,
    mirror,
    pull,
    purchase_orders,
    push,
    records,
    removals,
    reviews,
    scope,
    settle,
    timesheets,
)
from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.mappings import missing_mappings
from accounting.models import Entity
from accounting.registry import adapter_class_for
from integrations import health, runs, schedule, syncs
from integrations.audit import Recorder
from integrations.errors import ProviderError
from integrations.limiter import DailyLimitReached, Limiter
from integrations.models import Connection, SyncRun
from operations import money
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Quote

D = TypeVar("D", Quote, Invoice, CreditNote)
T = TypeVar("T")
PUSHED_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID)


def adapter_for(connection: Connection, run: SyncRun | None) -> AccountingAdapter:
    adapter_class = adapter_class_for(connection.provider)
    limiter = Limiter(connection.provider, connection.remote_id, adapter_class.limits)
    return adapter_class(connection, Recorder(connection, run, limiter, adapter_class.quota))


def _pause_for_the_day(run: SyncRun, limit: DailyLimitReached) -> SyncRun:
    """The daily limit is spent: stop, say so on the card, and come back after the reset."""
    connection = run.connection
    runs.error(run, f"Paused: {limit}.")
    health.mark_degraded(connection, f"Paused: {limit}; syncing resumes then")
    runs.finish(run, SyncRun.Status.PARTIAL)
    schedule.set_next(connection, limit.resets_at)
    Connection.objects.filter(pk=connection.pk).update(retry_at=limit.resets_at)
    return run


def _invoices(window: due.Window) -> list[Invoice]:
    # By organisation id: this read runs ahead on a thread, which must not load (and
    # cache) the shared connection's organisation while the sync's thread uses it.
    rows = Invoice.objects.filter(organisation_id=window.connection.organisation_id)
    rows = scope.invoices(rows, window.connection)  # nothing before the start date
    return list(
        window.rows(records.of_entity(rows, window.connection))
        .filter(status__in=PUSHED_STATUSES)
        .select_related("customer")
        .prefetch_related("lines__tax_category", "lines__income_category", "lines__item")
        .order_by("pk")
    )


def _credit_notes(window: due.Window) -> list[CreditNote]:
    rows = CreditNote.objects.filter(organisation_id=window.connection.organisation_id)
    rows = scope.credit_notes(rows, window.connection)
    return list(
        window.rows(records.of_entity(rows, window.connection))
        .filter(status=CreditNote.Status.ISSUED)
        .prefetch_related("lines")
        .order_by("pk")
    )


def _approved_quotes(window: due.Window) -> list[Quote]:
    connection = window.connection
    rows = Quote.objects.for_organisation(connection.organisation).filter(
        status=Quote.Status.APPROVED
    )
    if connection.legal_entity_id is not None:  # a quote belongs to its customer's entity
        rows = rows.filter(customer__legal_entity_id=connection.legal_entity_id)
    return list(window.rows(rows).prefetch_related("lines__item").order_by("pk"))


def push_customers(run: SyncRun, adapter: AccountingAdapter, windows: due.Windows) -> None:
    connection = run.connection
    window = windows.take(Entity.CUSTOMER)
    if not window.quiet:
        rows = Customer.objects.for_organisation(connection.organisation)
        customers = window.rows(records.of_entity(rows, connection)).order_by("pk")
        if adapter.vendors_apart:  # suppliers are the ledger's vendors (purchase_orders.py)
            customers = customers.filter(is_supplier=False)
        payloads = [(c.pk, adapter.customer_payload(c)) for c in customers]
        push.push(run, adapter, Entity.CUSTOMER, payloads)
    windows.went_through(window)


def push_items(run: SyncRun, adapter: AccountingAdapter, windows: due.Windows) -> None:
    window = windows.take(Entity.ITEM)
    if not window.quiet:
        items = window.rows(
            EquipmentItem.objects.for_organisation(run.connection.organisation)
        ).order_by("pk")
        push.push(run, adapter, Entity.ITEM, [(i.pk, adapter.item_payload(i)) for i in items])
    windows.went_through(window)


def _with_contacts(run: SyncRun, documents: Sequence[D]) -> list[tuple[D, str]]:
    """Documents whose customer is linked; the others wait (their customer's push failed
    or is held for review, which that phase recorded) and are read again next time."""
    contacts = push.linked_remote_ids(
        run.connection, Entity.CUSTOMER, [d.customer_id for d in documents]
    )
    return [(d, contacts[d.customer_id]) for d in documents if d.customer_id in contacts]


def _within_bounds(run: SyncRun, entity: Entity, documents: Sequence[D]) -> list[D]:
    """Documents every ledger can take. One saved before money was bounded, too large
    for any ledger, is not sent: its link and the run say why, until it is changed."""
    fitting: list[D] = []
    for document in documents:
        nets = (money.net_of(line.quantity, line.unit_price) for line in document.lines.all())
        reason = money.ledger_refusal(entity.label, str(document), document.total, nets)
        if reason is None:
            fitting.append(document)
        else:
            reviews.refuse_unsent(run, entity, document.pk, reason)
    return fitting


def push_documents(
    run: SyncRun,
    adapter: AccountingAdapter,
    windows: due.Windows,
    window: due.Window,
    documents: Callable[[], Sequence[D]],
    payload: Callable[[D, str], dict[str, Any]],
) -> None:
    if not window.quiet:
        entity = Entity(window.entity)
        ready = _with_contacts(run, _within_bounds(run, entity, documents()))
        push.push(run, adapter, entity, [(d.pk, payload(d, contact)) for d, contact in ready])
    windows.went_through(window)


def _ahead(adapter: AccountingAdapter, load: Callable[[], T], quiet: bool) -> Callable[[], T]:
    """Start a big read now, in a thread with its own connection, while the next phases
    wait on the network; where pushes run one at a time, or there is nothing to read
    (``quiet``: the read is not made), read when asked instead."""
    if quiet or push.concurrency(adapter) == 1:
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


def _read_changes(run: SyncRun, adapter: AccountingAdapter) -> None:
    for entity in records.TWO_WAY:
        runs.progress(run, phase=f"{entity}s from the ledger", done=0, total=0)
        pull.pull_records(run, adapter, entity)
    # Before the pushes: a document deleted in the ledger is held, not written to or
    # created again.
    runs.progress(run, phase="documents removed in the ledger", done=0, total=0)
    removals.pull_removed(run, adapter)


def _needs(connection: Connection, adapter: AccountingAdapter, context: str) -> list[due.Need]:
    """The push phases this connection's runs go through, in their order."""
    needs = [due.Need(Entity.CUSTOMER, context), due.Need(Entity.ITEM, context)]
    if adapter.pushes_quotes:
        needs.append(due.document(Entity.QUOTE, context))
    needs += [due.document(Entity.INVOICE, context), due.document(Entity.CREDIT_NOTE, context)]
    needs += purchase_orders.needs(adapter, context)
    needs += timesheets.needs(connection, adapter, context)
    return needs + settle.needs(context)


def _phases(run: SyncRun, adapter: AccountingAdapter, reads: bool = True) -> bool:
    """The run's phases; ``reads`` False (a quiet provider that notifies, within its poll
    bound: integrations.syncs.reads_provider) pushes Patchbay's records without reading
    the ledger's changes, unless money (payments, allocations) waits to be sent: money
    goes only after a read (below). The read cursors stay where they are, so the next run
    that reads misses nothing. Returns whether this run read."""
    connection = run.connection
    mappings = Mappings.of(connection)
    needs = _needs(connection, adapter, due.context_of(adapter, mappings))
    windows = None if reads else due.windows(connection, needs)
    if windows is not None and settle.money_waiting(connection, windows):
        reads, windows = True, None
    if reads:
        _read_changes(run, adapter)
    if windows is None:  # after the reads, as each phase once read its own: their links count
        windows = due.windows(connection, needs)
    invoice_window = windows.take(Entity.INVOICE)
    invoices = _ahead(adapter, lambda: _invoices(invoice_window), invoice_window.quiet)
    push_customers(run, adapter, windows)
    push_items(run, adapter, windows)
    if adapter.pushes_quotes:  # approved quotes, for a ledger that has them
        quotes = windows.take(Entity.QUOTE)
        push_documents(
            run,
            adapter,
            windows,
            quotes,
            lambda: _approved_quotes(quotes),
            lambda quote, contact: adapter.quote_payload(quote, mappings, contact),
        )
    push_documents(
        run,
        adapter,
        windows,
        invoice_window,
        invoices,
        lambda invoice, contact: adapter.invoice_payload(invoice, mappings, contact),
    )
    notes = windows.take(Entity.CREDIT_NOTE)
    push_documents(
        run,
        adapter,
        windows,
        notes,
        lambda: _credit_notes(notes),
        lambda note, contact: adapter.credit_note_payload(note, mappings, contact),
    )
    # After the pushes, so that what this run pushed is linked, not mirrored; before the
    # payments, so that a payment on a ledger-made invoice finds it in the mirror.
    if reads:
        runs.progress(run, phase="invoices made in the ledger", done=0, total=0)
        mirror.pull_ledger_invoices(run, adapter)
    purchase_orders.push_purchase_orders(run, adapter, mappings, windows)  # where kept
    timesheets.push_time_activities(run, adapter, windows)  # where the ledger keeps time
    if reads:
        runs.progress(run, phase="payments from the ledger", done=0, total=0)
        pull.pull_payments(run, adapter)
        # After the pull: a payment a bookkeeper also keyed in the ledger is linked by it
        # (pull._own_echo) and so not sent a second time. So a run that skips the reads
        # leaves payments and allocations to the next that reads (their cursors stay put).
        settle.push_payments(run, adapter, mappings, windows)
        settle.push_allocations(run, adapter, windows)
    windows.advance_quiet()
    return reads


def run_sync(connection: Connection, trigger: str, run: SyncRun | None = None) -> SyncRun:
    """Sync now; ``run`` is one already opened (Sync Now opens it to show progress at once)."""
    run = run or runs.start(connection, trigger)
    missing = missing_mappings(connection)
    if missing:
        runs.error(run, "Map these before the first sync: " + ", ".join(missing) + ".")
        return runs.finish(run, SyncRun.Status.REFUSED)
    adapter = adapter_for(connection, run)
    try:
        reads = _phases(run, adapter, syncs.reads_provider(connection, trigger))
    except DailyLimitReached as limit:
        return _pause_for_the_day(run, limit)
    except ProviderError as error:
        runs.error(run, error.message)
        return runs.finish(run, SyncRun.Status.FAILED)
    except BaseException:
        runs.finish(run, SyncRun.Status.FAILED)
        raise
    return runs.finish(run, read_provider=reads)
