"""One sync run of a connection: push customers, push invoices, pull payments."""

from __future__ import annotations

from accounting.engine import pull, push, runs
from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.engine.audit import Recorder
from accounting.mappings import missing_mappings
from accounting.models import Entity, SyncRun
from integrations import health
from integrations.budget import Budget, DailyLimitReached
from integrations.errors import ProviderError
from integrations.models import Connection
from integrations.registry import adapter_class_for
from operations.models import Customer, Invoice

PUSHED_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID)


def adapter_for(connection: Connection, run: SyncRun | None) -> AccountingAdapter:
    adapter_class: type[AccountingAdapter] = adapter_class_for(connection.provider)
    budget = Budget(connection.provider, connection.remote_id, adapter_class.limits)
    return adapter_class(connection, Recorder(connection, run, budget, adapter_class.quota))


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
        Invoice.objects.for_organisation(connection.organisation)
        .filter(status__in=PUSHED_STATUSES)
        .select_related("customer")
        .prefetch_related("lines__tax_category", "lines__income_category", "lines__item")
        .order_by("pk")
    )


def push_customers(run: SyncRun, adapter: AccountingAdapter, invoices: list[Invoice]) -> None:
    customers: dict[int, Customer] = {invoice.customer_id: invoice.customer for invoice in invoices}
    records = [(pk, adapter.customer_payload(c)) for pk, c in sorted(customers.items())]
    items = push.outgoing(run.connection, Entity.CUSTOMER, records)
    runs.progress(run, phase="customers", done=0, total=len(items))
    push.push(run, Entity.CUSTOMER, items, adapter.push_customers, adapter.batch_size)


def push_invoices(run: SyncRun, adapter: AccountingAdapter, invoices: list[Invoice]) -> None:
    connection = run.connection
    mappings = Mappings.of(connection)
    contacts = push.linked_remote_ids(
        connection, Entity.CUSTOMER, [i.customer_id for i in invoices]
    )
    records = []
    for invoice in invoices:
        contact = contacts.get(invoice.customer_id)
        if contact is None:
            continue  # its customer failed to push: recorded in the customers phase
        records.append((invoice.pk, adapter.invoice_payload(invoice, mappings, contact)))
    items = push.outgoing(connection, Entity.INVOICE, records)
    runs.progress(run, phase="invoices", done=0, total=len(items))
    push.push(run, Entity.INVOICE, items, adapter.push_invoices, adapter.batch_size)


def run_sync(connection: Connection, trigger: str, run: SyncRun | None = None) -> SyncRun:
    """Sync now; ``run`` is one already opened (Sync Now opens it to show progress at once)."""
    run = run or runs.start(connection, trigger)
    missing = missing_mappings(connection)
    if missing:
        runs.error(run, "Map these before the first sync: " + ", ".join(missing) + ".")
        return runs.finish(run, SyncRun.Status.REFUSED)
    adapter = adapter_for(connection, run)
    try:
        invoices = _invoices(connection)
        push_customers(run, adapter, invoices)
        push_invoices(run, adapter, invoices)
        runs.progress(run, phase="payments", done=0, total=0)
        pull.pull_payments(run, adapter)
    except DailyLimitReached as limit:
        return _pause_for_the_day(run, limit)
    except ProviderError as error:
        runs.error(run, error.message)
        return runs.finish(run, SyncRun.Status.FAILED)
    except BaseException:
        runs.finish(run, SyncRun.Status.FAILED)
        raise
    return runs.finish(run)
