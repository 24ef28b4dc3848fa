"""Accounting's word on each approved timesheet of the approvals page: in the ledger, on
its way, or waiting and why (an unmapped crew member, a client not yet synced). Read
from the links only; registered with operations.extensions in AccountingConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Model
from django.http import HttpRequest

from accounting.models import Entity, ExternalRef
from accounting.registry import accounting_slugs, adapter_class_for
from integrations.models import Connection
from integrations.registry import platform_name
from operations import extensions
from operations.models import Timesheet
from tenancy.scoping import scoped


def _note(connection: Connection, ref: ExternalRef | None) -> str:
    ledger = platform_name(connection)
    if ref is None:
        return f"Goes to {ledger} with the next sync."
    if ref.state == ExternalRef.State.LINKED:
        return f"In {ledger} (time activity {ref.remote_id})."
    if ref.state in (ExternalRef.State.WAITING, ExternalRef.State.ERROR) and ref.last_error:
        return ref.last_error
    return f"{ref.get_state_display()} in {ledger}."


def timesheet_notes(request: HttpRequest, records: Sequence[Model]) -> dict[int, str]:
    ids = [record.pk for record in records]
    if not ids:
        return {}
    connections = scoped(request, Connection).filter(
        provider__in=accounting_slugs(), state__in=Connection.ACTIVE_STATES
    )
    notes: dict[int, str] = {}
    for connection in connections.order_by("pk"):
        if not adapter_class_for(connection.provider).pushes_time_activities:
            ledger = platform_name(connection)
            said = f"Stays in Patchbay: {ledger} keeps no time activities."
            notes.update({pk: said for pk in ids})
            continue
        refs = {
            ref.local_id: ref
            for ref in ExternalRef.objects.filter(
                connection=connection, entity=Entity.TIME_ACTIVITY, local_id__in=ids
            )
        }
        for pk in ids:
            notes[pk] = _note(connection, refs.get(pk))
    return notes


def register() -> None:
    extensions.add_record_notes(Timesheet, timesheet_notes)
