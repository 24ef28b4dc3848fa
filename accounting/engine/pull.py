"""Pulling: payments, and customers and items made or changed in the ledger.

Incremental from a cursor per entity, page by page (the page is saved so a crash
resumes there), reading a little behind the high-water mark and deduplicating by id
and version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.db import transaction

from accounting.engine import mirror, records, reviews
from accounting.engine.adapter import AccountingAdapter, IncomingPayment, Page, Remote
from accounting.engine.push import fingerprint
from accounting.models import Entity, ExternalRef, Review, SyncCursor
from integrations import runs
from integrations.models import Connection, SyncRun
from operations import services
from operations.models import Invoice, Payment

# Read a little behind the high-water mark: clock skew and late commits at the
# provider would otherwise hide records updated just before it.
OVERLAP = timedelta(minutes=2)


def _apply_payment(run: SyncRun, payment: IncomingPayment) -> None:
    connection = run.connection
    refs = ExternalRef.objects.filter(connection=connection)
    if payment.deleted:
        _remove_payment(run, payment)
        return
    # Seen before (cursor overlap), or Patchbay's own payment or credit allocation coming
    # back (QuickBooks applies a credit memo through a Payment).
    if refs.filter(
        entity__in=(Entity.PAYMENT, Entity.ALLOCATION), remote_id=payment.remote_id
    ).exists():
        runs.count(run, "skipped")
        return
    invoice_ref = refs.filter(
        entity=Entity.INVOICE, remote_id=payment.invoice_remote_id, state=ExternalRef.State.LINKED
    ).first()
    if invoice_ref is None:
        # A payment on an invoice Patchbay didn't push: the mirror's, if it is one of the
        # ledger's own invoices for a customer Patchbay knows.
        if not mirror.apply_payment(run, payment):
            runs.count(run, "skipped")
        return
    invoice = Invoice.objects.get(
        pk=invoice_ref.local_id, organisation_id=connection.organisation_id
    )
    own = _own_echo(connection, invoice, payment)
    if own is not None:
        _link_echo(connection, own, payment)
        runs.count(run, "linked")
        return
    try:
        with transaction.atomic():
            local = services.record_payment(
                invoice, payment.amount, payment.paid_on, reference=payment.reference[:120]
            )
            ExternalRef.objects.create(
                organisation_id=connection.organisation_id,
                connection=connection,
                entity=Entity.PAYMENT,
                local_id=local.pk,
                remote_id=payment.remote_id,
                remote_version=payment.updated_at.isoformat(),
                state=ExternalRef.State.LINKED,
            )
    except services.OperationError as error:
        runs.error(run, error.message, entity=Entity.PAYMENT, remote_id=payment.remote_id)
        return
    runs.count(run, "updated")


def _own_echo(connection: Connection, invoice: Invoice, payment: IncomingPayment) -> Payment | None:
    """A Patchbay payment this ledger payment is: same invoice, amount and day, and not
    linked to another ledger payment. Normally a pushed payment is linked by the push's
    answer; this catches one whose answer was lost (or one a bookkeeper also keyed in the
    ledger), so the money is not counted twice."""
    linked = ExternalRef.objects.filter(connection=connection, entity=Entity.PAYMENT).exclude(
        remote_id=""
    )
    return (
        Payment.objects.filter(invoice=invoice, amount=payment.amount, paid_on=payment.paid_on)
        .exclude(pk__in=linked.values("local_id"))
        .order_by("pk")
        .first()
    )


def _link_echo(connection: Connection, local: Payment, payment: IncomingPayment) -> None:
    ExternalRef.objects.update_or_create(
        connection=connection,
        entity=Entity.PAYMENT,
        local_id=local.pk,
        defaults={
            "remote_id": payment.remote_id,
            "remote_version": payment.updated_at.isoformat(),
            "state": ExternalRef.State.LINKED,
            "last_error": "",
            "batch_key": "",
            "sent_payload": "",
            "sent_fingerprint": "",
        },
        create_defaults={
            "organisation_id": connection.organisation_id,
            "remote_id": payment.remote_id,
            "remote_version": payment.updated_at.isoformat(),
            "state": ExternalRef.State.LINKED,
        },
    )


def _remove_payment(run: SyncRun, payment: IncomingPayment) -> None:
    """A payment deleted in the ledger after Patchbay applied it: it comes off the
    Patchbay invoice, whose amount due and status are what the other payments leave.
    The link goes with it, so seeing the deletion again (cursor overlap) does nothing."""
    ref = ExternalRef.objects.filter(
        connection=run.connection,
        entity=Entity.PAYMENT,
        remote_id=payment.remote_id,
        state=ExternalRef.State.LINKED,
    ).first()
    local = (
        Payment.objects.filter(pk=ref.local_id, organisation_id=ref.organisation_id).first()
        if ref is not None
        else None
    )
    if ref is None and mirror.remove_payment(run, payment):
        return  # a payment of the ledger mirror's
    if ref is None or local is None:
        runs.count(run, "skipped")  # never applied here, or taken off already
        return
    try:
        with transaction.atomic():
            services.remove_payment(local)
            ref.delete()
    except services.OperationError as error:
        runs.error(run, error.message, entity=Entity.PAYMENT, remote_id=payment.remote_id)
        return
    runs.count(run, "removed")


def _pages(
    run: SyncRun, entity: str, read: Callable[[datetime | None, int], Page]
) -> Iterator[Page]:
    """Every page since the cursor; the cursor moves on only after the last one."""
    cursor = read_cursor(run, entity)
    since = cursor.high_water - OVERLAP if cursor.high_water else None
    newest = cursor.high_water
    while True:
        page = read(since, cursor.page)
        before = dict(run.counts)
        yield page
        for stamp in [p.updated_at for p in page.payments] + [r.updated_at for r in page.records]:
            newest = max(newest, stamp) if newest else stamp
        news = _news(before, run.counts)
        runs.bump_done(run, len(page.payments) + len(page.records), news=news)
        if not page.more:
            break
        cursor.page += 1
        cursor.save(update_fields=["page"])  # a crash resumes from this page
    if (cursor.high_water, cursor.page) != (newest, 1):  # a quiet read leaves it as it was
        cursor.high_water = newest
        cursor.page = 1
        cursor.save(update_fields=["high_water", "page"])


def read_cursors(run: SyncRun) -> dict[str, SyncCursor]:
    """The connection's read cursors, by entity: read once, at the run's first read (one
    statement for its five or so), and each read keeps its own up to date in them."""
    cursors: dict[str, SyncCursor] | None = run.__dict__.get("_read_cursors")
    if cursors is None:
        rows = SyncCursor.objects.filter(connection=run.connection)
        cursors = run.__dict__["_read_cursors"] = {row.entity: row for row in rows}
    return cursors


def read_cursor(run: SyncRun, entity: str) -> SyncCursor:
    """One read's cursor (made at its first read)."""
    cursors = read_cursors(run)
    if entity not in cursors:
        cursors[entity], _ = SyncCursor.objects.get_or_create(
            connection=run.connection,
            entity=entity,
            defaults={"organisation_id": run.connection.organisation_id},
        )
    return cursors[entity]


def _news(before: dict[str, int], after: dict[str, int]) -> bool:
    """Whether applying a page did anything: an outcome other than "skipped" counted (a
    quiet sync re-reads the records at its cursor's overlap and skips them all)."""
    outcomes = (before.keys() | after.keys()) - {"skipped"}
    return any(before.get(outcome, 0) != after.get(outcome, 0) for outcome in outcomes)


def pull_payments(run: SyncRun, adapter: AccountingAdapter) -> None:
    for page in _pages(run, Entity.PAYMENT, adapter.pull_payments):
        for payment in page.payments:
            _apply_payment(run, payment)


def pull_records(run: SyncRun, adapter: AccountingAdapter, entity: str) -> None:
    """Customers or items made or changed in the ledger, into Patchbay."""
    for page in _pages(run, entity, lambda since, n: adapter.changes(entity, since, n)):
        # One read of a page's links: a quiet sync re-reads the records at its cursor.
        refs = {
            ref.remote_id: ref
            for ref in ExternalRef.objects.filter(
                connection=run.connection,
                entity=entity,
                remote_id__in=[remote.remote_id for remote in page.records],
            )
        }
        for remote in page.records:
            _apply_record(run, adapter, entity, remote, refs.get(remote.remote_id))


def _apply_record(
    run: SyncRun,
    adapter: AccountingAdapter,
    entity: str,
    remote: Remote,
    ref: ExternalRef | None,
) -> None:
    if ref is None:
        _first_sight(run, adapter, entity, remote)
    elif remote.deleted:
        _deleted_in_ledger(run, ref)
    elif (
        ref.excluded
        or ref.remote_version == remote.version
        or ref.state in (ExternalRef.State.CONFLICT, ExternalRef.State.PENDING)
    ):
        # Excluded by a person, seen already, held for a person, or our write in flight.
        runs.count(run, "skipped")
    else:
        _changed_in_ledger(run, adapter, ref, remote)


def _deleted_in_ledger(run: SyncRun, ref: ExternalRef) -> None:
    """A linked customer or item deleted (or archived) in the ledger. Patchbay keeps its
    record and takes nothing from the ledger's (a deleted record may be a bare stub);
    the link is refused as a push of it would be (``push._writable``), so nothing is
    sent to it and the card says why until someone clears the link."""
    if ref.state != ExternalRef.State.LINKED:
        runs.count(run, "skipped")  # refused already (cursor overlap), or held for a person
        return
    reviews.refuse(run, ref, reviews.DELETED_IN_LEDGER)


def _changed_in_ledger(
    run: SyncRun, adapter: AccountingAdapter, ref: ExternalRef, remote: Remote
) -> None:
    """Take the ledger's change unless Patchbay changed the same record since its push."""
    ledger = adapter.owned(ref.entity, remote.data)
    local = records.get(run.connection, ref.entity, ref.local_id)
    if local is None or fingerprint(ledger) == ref.pushed_fingerprint:
        ref.remote_version = remote.version  # nothing of ours changed there (or ours is gone)
        ref.save(update_fields=["remote_version", "updated_at"])
        runs.count(run, "skipped")
        return
    mine = adapter.owned(ref.entity, records.payload(adapter, ref.entity, local))
    if fingerprint(mine) != ref.pushed_fingerprint:
        reviews.conflict(run, ref, mine, fingerprint(mine), remote, ledger)
        return
    with transaction.atomic():
        records.update(local, adapter.local_fields(ref.entity, remote))
        after = adapter.owned(ref.entity, records.payload(adapter, ref.entity, local))
        ref.pushed_fingerprint = fingerprint(after)
        ref.remote_version = remote.version
        ref.save(update_fields=["pushed_fingerprint", "remote_version", "updated_at"])
    runs.count(run, "updated")


def _first_sight(run: SyncRun, adapter: AccountingAdapter, entity: str, remote: Remote) -> None:
    """A ledger record Patchbay has no link for: link it if it is clearly one of ours,
    ask if it could be several, create it otherwise."""
    if remote.deleted:
        runs.count(run, "skipped")
        return
    fields = adapter.local_fields(entity, remote)
    hint = adapter.local_id_hint(entity, remote)
    found = [hint] if hint and records.get(run.connection, entity, hint) else []
    found = found or records.candidates(run.connection, entity, fields)
    if len(found) > 1:
        reviews.ambiguous(run, entity, remote, adapter.owned(entity, remote.data), found)
        return
    with transaction.atomic():
        local = records.get(run.connection, entity, found[0]) if found else None
        outcome = "linked" if local is not None else "created"
        local = local or records.create(run.connection, entity, fields)
        link(run.connection, adapter, entity, local, remote)
    runs.count(run, outcome)


def link(
    connection: Connection,
    adapter: AccountingAdapter,
    entity: str,
    local: records.LocalRecord,
    remote: Remote,
) -> None:
    """Link without overwriting either side: both existed, and later edits flow as usual."""
    mine = adapter.owned(entity, records.payload(adapter, entity, local))
    ExternalRef.objects.update_or_create(
        connection=connection,
        entity=entity,
        local_id=local.pk,
        defaults={
            "organisation_id": connection.organisation_id,
            "remote_id": remote.remote_id,
            "remote_version": remote.version,
            "pushed_fingerprint": fingerprint(mine),
            "state": ExternalRef.State.LINKED,
            "last_error": "",
        },
    )
    Review.objects.filter(
        connection=connection, entity=entity, remote_id=remote.remote_id, resolution=""
    ).update(resolution=Review.Resolution.LINKED)
