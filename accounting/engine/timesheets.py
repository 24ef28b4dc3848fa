"""Approved crew timesheets out to a ledger that keeps time (``pushes_time_activities``).

Each entry is pushed as the time of the employee or vendor its user is mapped to
(``CrewMapping``), through the same plan and batches as every other push (one request
key per batch, links saved per batch). An entry whose user is not mapped, or whose
billable hours name a client not yet in the ledger, is not dropped: its link *waits*
with the reason (shown on the timesheet approvals page), the run says so once per
person, and the entry goes with the first run after the reason is gone. A change of the
crew mappings changes this phase's context, so every approved entry is read again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.db.models import QuerySet

from accounting.engine import due, push, settle
from accounting.engine.adapter import AccountingAdapter, RemoteChoice
from accounting.models import CrewMapping, Entity
from integrations import runs
from integrations.models import Connection, SyncRun
from integrations.registry import platform_name
from operations.models import Timesheet

ENTITY = Entity.TIME_ACTIVITY


def workers(connection: Connection) -> dict[int, RemoteChoice]:
    """User id -> the employee or vendor they are in the ledger."""
    rows = CrewMapping.objects.filter(connection=connection)
    return {
        row.user_id: RemoteChoice(code=row.remote_id, name=row.remote_name, kind=row.kind)
        for row in rows
    }


def context_with_crew(context: str, mapped: dict[int, RemoteChoice]) -> str:
    crew = ",".join(f"{user}:{w.kind}:{w.code}" for user, w in sorted(mapped.items()))
    return hashlib.sha256(f"{context}|{crew}".encode()).hexdigest()


def approved(window: due.Window) -> list[Timesheet]:
    connection = window.connection
    rows: QuerySet[Timesheet] = Timesheet.objects.filter(
        organisation_id=connection.organisation_id, status=Timesheet.Status.APPROVED
    )
    if connection.legal_entity_id is not None:  # time billed in this entity's books
        rows = rows.filter(project__client__legal_entity_id=connection.legal_entity_id)
    return list(
        window.rows(rows).select_related("project", "project__client", "user").order_by("pk")
    )


def unmapped_reason(connection: Connection, timesheet: Timesheet) -> str:
    ledger = platform_name(connection)
    return (
        f"Not in {ledger} yet: {timesheet.user} is not mapped to a {ledger} employee or "
        f"vendor. Map them on Crew in {ledger}; the next sync sends it."
    )


def needs(connection: Connection, adapter: AccountingAdapter, context: str) -> list[due.Need]:
    """This phase's window, where the ledger keeps time: its context names the crew
    mappings (a change reads every approved entry again); an entry waits on its client."""
    if not adapter.pushes_time_activities:
        return []
    crew = context_with_crew(context, workers(connection))
    return [due.Need(ENTITY, crew, ("project__client_id", Entity.CUSTOMER))]


def push_time_activities(run: SyncRun, adapter: AccountingAdapter, windows: due.Windows) -> None:
    if not adapter.pushes_time_activities:
        return  # the ledger keeps no time: timesheets stay in Patchbay
    window = windows.take(ENTITY)
    if not window.quiet:
        _push_entries(run, adapter, window)
    windows.went_through(window)


def _push_entries(run: SyncRun, adapter: AccountingAdapter, window: due.Window) -> None:
    connection = run.connection
    mapped = workers(connection)
    entries = approved(window)
    clients = push.linked_remote_ids(
        connection, Entity.CUSTOMER, [entry.project.client_id for entry in entries]
    )
    unmapped: dict[str, int] = defaultdict(int)
    ready = []
    for entry in entries:
        worker = mapped.get(entry.user_id)
        client = clients.get(entry.project.client_id, "")
        if worker is None:
            unmapped[str(entry.user)] += 1
            settle.wait(connection, ENTITY, entry.pk, unmapped_reason(connection, entry))
        elif entry.billable and not client:
            reason = f"Waits for {entry.project.client} to sync (billable time names them)."
            settle.wait(connection, ENTITY, entry.pk, reason)
        else:
            ready.append((entry.pk, adapter.time_activity_payload(entry, worker, client)))
    _say_who_waits(run, connection, unmapped)
    push.push(run, adapter, ENTITY, ready)


def _say_who_waits(run: SyncRun, connection: Connection, unmapped: dict[str, int]) -> None:
    ledger = platform_name(connection)
    for person, count in sorted(unmapped.items()):
        entries = "timesheet" if count == 1 else "timesheets"
        runs.error(
            run,
            f"{count} approved {entries} of {person} not sent: map {person} to a {ledger} "
            f"employee or vendor on Crew in {ledger}.",
            entity=ENTITY,
        )
        runs.count(run, "waiting", count)
