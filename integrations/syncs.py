"""Scheduled and on-demand syncs, whatever the kind. PostgreSQL's next_sync_at says
what is due; the connection's registry entry runs the sync itself."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from integrations import queues, runs
from integrations.models import Connection, SyncRun
from integrations.registry import get_integration, syncing_slugs

logger = logging.getLogger(__name__)
# Claimed connections are pushed this far ahead so the next tick skips them.
CLAIM = timedelta(minutes=10)
# The states a sync runs in: an Error connection needs a person to reconnect first.
SYNCABLE_STATES = (Connection.State.CONNECTED, Connection.State.DEGRADED)


# The task names are those from when syncs were accounting's alone: beat entries and
# tasks queued before a deploy still find them. Nobody reads a sync's result (the run is
# its record): not stored, which spares the worker a Redis write between syncs.
@shared_task(name="accounting.tasks.sync_connection", ignore_result=True)
def sync_connection(
    connection_id: int, trigger: str = SyncRun.Trigger.SCHEDULE, run_id: int | None = None
) -> int | None:
    connection = Connection.objects.select_related("organisation").get(pk=connection_id)
    run = (
        SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.RUNNING).first() if run_id else None
    )
    entry = get_integration(connection.provider)
    if connection.state not in SYNCABLE_STATES or entry is None or not entry.syncs:
        if run is not None:
            runs.error(run, "The connection is not connected.")
            runs.finish(run, SyncRun.Status.REFUSED)
        return None
    try:
        return entry.run_sync(connection, trigger, run).pk
    except runs.RunBusy as busy:
        logger.info("sync of connection %s skipped: %s", connection_id, busy)
        return None


def pull_in(connection_ids: list[int], at: datetime) -> None:
    """next_sync_at = min(next_sync_at, at), in one UPDATE that never postpones a sync
    (a NULL is already due)."""
    Connection.objects.filter(pk__in=connection_ids, next_sync_at__gt=at).update(next_sync_at=at)


def _due() -> QuerySet[Connection]:
    """Syncing connections, locked as they are read, skipping those another dispatcher
    holds. The partial index connection_due_sync (next_sync_at over the syncable states)
    serves both halves of claim_due as a range scan that stops at the LIMIT, however
    many connections the table holds."""
    return Connection.objects.select_for_update(skip_locked=True).filter(
        state__in=SYNCABLE_STATES, provider__in=syncing_slugs()
    )


def claim_due(limit: int | None = None) -> list[int]:
    """Due connections, each claimed by exactly one dispatcher (SKIP LOCKED): never
    synced (NULL) first, then the longest overdue. Two index range scans rather than one
    ``<= now OR IS NULL``, which PostgreSQL can only answer by reading every due row and
    sorting them; three statements whatever the table's size."""
    limit = settings.SYNC_DISPATCH_PER_TICK if limit is None else limit
    now = timezone.now()
    with transaction.atomic():
        due = list(_due().filter(next_sync_at__isnull=True).values_list("pk", flat=True)[:limit])
        if len(due) < limit:
            due += list(
                _due()
                .filter(next_sync_at__lte=now)
                .order_by("next_sync_at")
                .values_list("pk", flat=True)[: limit - len(due)]
            )
        if due:
            Connection.objects.filter(pk__in=due).update(next_sync_at=now + CLAIM)
    return due


@shared_task(name="integrations.syncs.sync_connections", ignore_result=True)
def sync_connections(connection_ids: list[int]) -> None:
    """Several scheduled syncs in one message, one after another; one failing sync is
    logged and the others still run."""
    for connection_id in connection_ids:
        try:
            sync_connection(connection_id)
        except Exception:
            logger.exception("scheduled sync of connection %s failed", connection_id)


def batches(due: list[int], messages: int) -> list[list[int]]:
    """``due`` dealt into at most ``messages`` lists, oldest first in each."""
    count = max(1, min(messages, len(due)))
    return [due[start::count] for start in range(count)]


@shared_task(name="accounting.tasks.dispatch_due_syncs")
def dispatch_due_syncs() -> int:
    """Beat tick: enqueue a sync for every due connection. A broker publish costs about
    a millisecond, so a tick sends at most SYNC_DISPATCH_MESSAGES of them: one a
    connection while few are due (each free worker takes one), the due dealt between
    them when many are (a thousand due is still a few dozen publishes)."""
    due = claim_due()
    for batch in (
        batch
        for same_queue in queues.group_by_queue(due)
        for batch in batches(same_queue, settings.SYNC_DISPATCH_MESSAGES)
    ):
        if len(batch) == 1:
            sync_connection.delay(batch[0])
        else:
            sync_connections.delay(batch)
    return len(due)
