"""Scheduled and on-demand syncs. PostgreSQL's next_sync_at says what is due."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounting import remote_choices
from accounting.engine import runs
from accounting.engine.sync import run_sync
from accounting.models import RemoteChoices, SyncRun
from integrations.models import Connection
from integrations.registry import INTEGRATIONS

logger = logging.getLogger(__name__)
SYNCABLE = [i.slug for i in INTEGRATIONS if i.adapter_path]
# Claimed connections are pushed this far ahead so the next tick skips them.
CLAIM = timedelta(minutes=10)


@shared_task
def sync_connection(
    connection_id: int, trigger: str = SyncRun.Trigger.SCHEDULE, run_id: int | None = None
) -> int | None:
    connection = Connection.objects.select_related("organisation").get(pk=connection_id)
    run = (
        SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.RUNNING).first() if run_id else None
    )
    if connection.state not in (Connection.State.CONNECTED, Connection.State.DEGRADED):
        if run is not None:
            runs.error(run, "The connection is not connected.")
            runs.finish(run, SyncRun.Status.REFUSED)
        return None
    try:
        return run_sync(connection, trigger, run).pk
    except runs.RunBusy as busy:
        logger.info("sync of connection %s skipped: %s", connection_id, busy)
        return None


def claim_due(limit: int = 100) -> list[int]:
    """Due connections, each claimed by exactly one dispatcher (SKIP LOCKED)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Connection.objects.select_for_update(skip_locked=True)
            .filter(
                provider__in=SYNCABLE,
                state__in=(Connection.State.CONNECTED, Connection.State.DEGRADED),
            )
            .filter(Q(next_sync_at__lte=now) | Q(next_sync_at__isnull=True))
            .order_by("next_sync_at")
            .values_list("pk", flat=True)[:limit]
        )
        Connection.objects.filter(pk__in=due).update(next_sync_at=now + CLAIM)
    return due


@shared_task
def dispatch_due_syncs() -> int:
    """Beat tick: enqueue a sync for every due connection."""
    due = claim_due()
    for connection_id in due:
        sync_connection.delay(connection_id)
    return len(due)


@shared_task
def refresh_remote_choices(connection_id: int) -> bool:
    """Fetch a connection's chart of accounts, tax rates and tracking choices into the
    cache the mappings page reads. False when the connection is gone or not connected."""
    connection = (
        Connection.objects.select_related("organisation")
        .filter(pk=connection_id, state__in=Connection.ACTIVE_STATES)
        .first()
    )
    if connection is None:
        RemoteChoices.objects.filter(connection_id=connection_id).update(refresh_requested_at=None)
        return False
    return not remote_choices.fetch(connection).error
