"""Scheduled and on-demand syncs, whatever the kind. The connections' SyncSchedule rows
say what is due (integrations.schedule keeps them); the connection's registry entry
runs the sync itself."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app, shared_task
from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from integrations import queues, runs, schedule
from integrations.models import Connection, SyncRun, SyncSchedule
from integrations.provider_webhooks.models import SyncWakeup
from integrations.registry import get_integration

logger = logging.getLogger(__name__)
# Claimed connections are pushed this far ahead so the next tick skips them.
CLAIM = timedelta(minutes=10)


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
    if connection.state not in schedule.SYNCABLE_STATES or entry is None or not entry.syncs:
        if trigger == SyncRun.Trigger.SCHEDULE:
            # Claimed though it does not sync: its schedule missed a change (a state set
            # by a queryset update, which no signal sees). Told now, no tick takes it again.
            schedule.follow(connection)
        if run is not None:
            runs.error(run, "The connection is not connected.")
            runs.finish(run, SyncRun.Status.REFUSED)
        return None
    try:
        return entry.run_sync(connection, trigger, run).pk
    except runs.RunBusy as busy:
        logger.info("sync of connection %s skipped: %s", connection_id, busy)
        return None


def poll_bound() -> timedelta:
    return timedelta(seconds=settings.SYNC_NOTIFIED_POLL_BOUND_SECONDS)


def notifies(provider: str) -> bool:
    """The provider tells Patchbay of changes: its webhook source is registered and its
    signing key configured (without the key every notification is refused)."""
    entry = get_integration(provider)
    return entry is not None and entry.webhook is not None and bool(entry.webhook.key)


def reads_provider(connection: Connection, trigger: str) -> bool:
    """Whether a run reads the provider's changes. Always, but for a scheduled run of a
    connection whose provider notifies, that read it less than SYNC_NOTIFIED_POLL_BOUND
    ago and has heard nothing since: a notification would have left a wake-up (deleted
    only by the notified run itself, which reads). Its own changes are pushed anyway, and
    an update still reads the ledger's copy first (the conflict check)."""
    if trigger != SyncRun.Trigger.SCHEDULE or connection.last_poll_at is None:
        return True
    if timezone.now() - connection.last_poll_at >= poll_bound():
        return True
    if not notifies(connection.provider):
        return True
    return SyncWakeup.objects.filter(connection_id=connection.pk).exists()


def _due() -> QuerySet[SyncSchedule]:
    """Syncable connections' schedules, locked as they are read, skipping those another
    dispatcher holds. The partial index schedule_due_sync (next_sync_at where syncable)
    serves it as a range scan that stops at the LIMIT, however many connections there
    are. claim_due runs the same conditions as one statement (below)."""
    return SyncSchedule.objects.select_for_update(skip_locked=True).filter(syncable=True)


# One statement claims a tick's connections: never synced (NULL) first, then the longest
# overdue with whatever room the first left, each a range scan of schedule_due_sync that
# stops at its LIMIT (rather than one `<= now OR IS NULL`, which PostgreSQL answers by
# reading every due row and sorting them). Two CTEs, as PostgreSQL refuses FOR UPDATE
# under a UNION. The UPDATE finds its rows by primary key from an array (an index scan);
# joined to the CTE instead, the planner hashed the whole table. It writes the narrow
# schedule rows, never the wide connection rows. No id list travels to Python and back.
CLAIM_SQL = """
WITH never AS (
    SELECT connection_id, next_sync_at FROM integrations_syncschedule
     WHERE next_sync_at IS NULL AND syncable
     LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), overdue AS (
    SELECT connection_id, next_sync_at FROM integrations_syncschedule
     WHERE next_sync_at <= %(now)s AND syncable
     ORDER BY next_sync_at
     LIMIT (SELECT %(limit)s - count(*) FROM never) FOR UPDATE SKIP LOCKED
), due AS (
    SELECT * FROM never UNION ALL SELECT * FROM overdue
), claimed AS (
    UPDATE integrations_syncschedule SET next_sync_at = %(until)s
     WHERE connection_id = ANY(ARRAY(SELECT connection_id FROM due))
    RETURNING connection_id
)
SELECT due.connection_id, due.next_sync_at
  FROM due JOIN claimed ON claimed.connection_id = due.connection_id
"""


def claim_params(limit: int, now: datetime) -> dict[str, Any]:
    """CLAIM_SQL's parameters (the benchmark explains the same statement)."""
    return {
        "limit": limit,
        "now": now,
        "until": now + CLAIM,
    }


def claim_due(limit: int | None = None) -> list[int]:
    """Due connections, each claimed by exactly one dispatcher (SKIP LOCKED) and pushed
    CLAIM ahead: never synced first, then the longest overdue. One statement whatever the
    table's size."""
    limit = settings.SYNC_DISPATCH_PER_TICK if limit is None else limit
    now = timezone.now()
    if db.vendor != "postgresql":
        return _claim_without_row_locks(limit, now)
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(CLAIM_SQL, claim_params(limit, now))
        rows = cursor.fetchall()
    # RETURNING keeps no order: never synced first, then oldest first.
    rows.sort(key=lambda row: (row[1] is not None, row[1] or now, row[0]))
    return [pk for pk, _ in rows]


def _claim_without_row_locks(limit: int, now: datetime) -> list[int]:
    """claim_due for make run's SQLite (one writer at a time, no SKIP LOCKED): the same
    order, read and pushed ahead in one transaction."""
    with transaction.atomic():
        never = _due().filter(next_sync_at__isnull=True).values_list("connection_id", flat=True)
        due = list(never[:limit])
        if len(due) < limit:
            overdue = _due().filter(next_sync_at__lte=now).order_by("next_sync_at")
            due += list(overdue.values_list("connection_id", flat=True)[: limit - len(due)])
        SyncSchedule.objects.filter(connection_id__in=due).update(next_sync_at=now + CLAIM)
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
    """Beat tick: enqueue a sync for every due connection. A tick sends at most
    SYNC_DISPATCH_MESSAGES messages: one a connection while few are due (each free
    worker takes one), the due dealt between them when many are (a thousand due is still
    a few dozen publishes), all through one producer (one broker connection and channel
    for the tick, not one borrowed from the pool per message)."""
    due = claim_due()
    if not due:
        return 0
    with current_app.producer_or_acquire() as producer:
        for same_queue in queues.group_by_queue(due):
            for batch in batches(same_queue, settings.SYNC_DISPATCH_MESSAGES):
                if len(batch) == 1:
                    sync_connection.apply_async((batch[0],), producer=producer)
                else:
                    sync_connections.apply_async((batch,), producer=producer)
    return len(due)
