"""A person's say over one record's sync with one ledger: retry it now, exclude it from
sync, or include it again. Each answers on the record's page with what happened and
what comes next, naming the record by its Patchbay number."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounting.mappings import missing_mappings
from accounting.models import Entity, ExternalRef
from accounting.registry import accounting_slugs
from integrations import runs
from integrations.models import Connection, SyncRun
from integrations.registry import platform_name
from integrations.syncs import sync_connection
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, TimestampedTenantModel
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped, scoped_get_or_404

RECORDS: dict[str, type[TimestampedTenantModel]] = {
    Entity.INVOICE: Invoice,
    Entity.CREDIT_NOTE: CreditNote,
    Entity.CUSTOMER: Customer,
    Entity.ITEM: EquipmentItem,
}


def _target(
    request: HttpRequest, pk: int, entity: str, local_id: int
) -> tuple[Connection, TimestampedTenantModel]:
    """The organisation's connection and record, or 404 (another organisation's too)."""
    model = RECORDS.get(entity)
    if model is None:
        raise Http404("No such kind of record.")
    connection = scoped_get_or_404(request, Connection, pk=pk, provider__in=accounting_slugs())
    record = scoped(request, model).filter(pk=local_id).first()
    if record is None:
        raise Http404("No such record.")
    return connection, record


def _back(record: TimestampedTenantModel) -> HttpResponseRedirect:
    if isinstance(record, Invoice):
        return redirect("operations:invoice_detail", pk=record.pk)
    return redirect("accounting:runs")


def _sync_soon(request: HttpRequest, connection: Connection, done: str) -> None:
    """Start a sync of the connection now, and say so (or why not)."""
    if missing_mappings(connection):
        messages.warning(
            request,
            f"{done} The next sync can't run until the account mappings are set up: "
            "open Mappings and finish them.",
        )
        return
    try:
        run = runs.start(connection, SyncRun.Trigger.MANUAL)
    except runs.RunBusy:
        messages.success(request, f"{done} A sync is already running; the next one picks it up.")
        return
    sync_connection.delay(connection.pk, SyncRun.Trigger.MANUAL, run.pk)
    messages.success(request, f"{done} A sync has started: refresh this page in a moment.")


@require_POST
@require_capability(Capability.RESOLVE_CONFLICTS)
def retry(request: HttpRequest, pk: int, entity: str, local_id: int) -> HttpResponseRedirect:
    connection, record = _target(request, pk, entity, local_id)
    _sync_soon(request, connection, f"Retrying {record} in {platform_name(connection)}.")
    return _back(record)


@require_POST
@require_capability(Capability.RESOLVE_CONFLICTS)
def exclude(request: HttpRequest, pk: int, entity: str, local_id: int) -> HttpResponseRedirect:
    connection, record = _target(request, pk, entity, local_id)
    with transaction.atomic():
        ref = (
            ExternalRef.objects.select_for_update()
            .filter(connection=connection, entity=entity, local_id=local_id)
            .first()
        )
        if ref is not None and ref.state == ExternalRef.State.PENDING and ref.batch_key:
            messages.error(
                request,
                f"{record} is being sent to {platform_name(connection)} right now, so it can't be "
                "excluded: try again once the sync has finished.",
            )
            return _back(record)
        ref = ref or ExternalRef(
            organisation_id=connection.organisation_id,
            connection=connection,
            entity=entity,
            local_id=local_id,
            # Never sent: not pending (nothing is in flight), not linked.
            state=ExternalRef.State.ERROR,
        )
        ref.excluded = True
        ref.save()
    messages.success(
        request,
        f"{record} is excluded from sync with {platform_name(connection)}: Patchbay sends it "
        "nothing and takes no change from it until you include it again.",
    )
    return _back(record)


@require_POST
@require_capability(Capability.RESOLVE_CONFLICTS)
def include(request: HttpRequest, pk: int, entity: str, local_id: int) -> HttpResponseRedirect:
    connection, record = _target(request, pk, entity, local_id)
    with transaction.atomic():
        ref = (
            ExternalRef.objects.select_for_update()
            .filter(connection=connection, entity=entity, local_id=local_id, excluded=True)
            .first()
        )
        if ref is None:
            messages.info(request, f"{record} is not excluded from sync: nothing to do.")
            return _back(record)
        if ref.remote_id:
            ref.excluded = False
            ref.save(update_fields=["excluded", "updated_at"])
        else:
            ref.delete()  # never in the ledger: it is pushed as new
        # The push reads what changed since its last read: mark the record changed.
        type(record)._default_manager.filter(pk=record.pk).update(updated_at=timezone.now())
    _sync_soon(
        request, connection, f"{record} is included in sync with {platform_name(connection)}."
    )
    return _back(record)
