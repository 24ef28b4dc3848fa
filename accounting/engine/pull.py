"""Pulling payments: incremental from a cursor, page by page, deduplicated by id."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from accounting.engine import runs
from accounting.engine.adapter import AccountingAdapter, IncomingPayment
from accounting.models import Entity, ExternalRef, SyncCursor, SyncRun
from operations import services
from operations.models import Invoice

# Read a little behind the high-water mark: clock skew and late commits at the
# provider would otherwise hide records updated just before it.
OVERLAP = timedelta(minutes=2)


def _apply_payment(run: SyncRun, payment: IncomingPayment) -> None:
    connection = run.connection
    refs = ExternalRef.objects.filter(connection=connection)
    if payment.deleted or refs.filter(entity=Entity.PAYMENT, remote_id=payment.remote_id).exists():
        runs.count(run, "skipped")  # seen before (cursor overlap) or not ours to apply
        return
    invoice_ref = refs.filter(
        entity=Entity.INVOICE, remote_id=payment.invoice_remote_id, state=ExternalRef.State.LINKED
    ).first()
    if invoice_ref is None:
        runs.count(run, "skipped")  # a payment on an invoice Patchbay didn't push
        return
    invoice = Invoice.objects.get(
        pk=invoice_ref.local_id, organisation_id=connection.organisation_id
    )
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


def pull_payments(run: SyncRun, adapter: AccountingAdapter) -> None:
    cursor, _ = SyncCursor.objects.get_or_create(
        connection=run.connection,
        entity=Entity.PAYMENT,
        defaults={"organisation_id": run.connection.organisation_id},
    )
    since = cursor.high_water - OVERLAP if cursor.high_water else None
    newest = cursor.high_water
    while True:
        page = adapter.pull_payments(since, cursor.page)
        for payment in page.payments:
            _apply_payment(run, payment)
            newest = max(newest, payment.updated_at) if newest else payment.updated_at
        runs.bump_done(run, len(page.payments))
        if not page.more:
            break
        cursor.page += 1
        cursor.save(update_fields=["page"])  # a crash resumes from this page
    cursor.high_water = newest
    cursor.page = 1
    cursor.save(update_fields=["high_water", "page"])
