"""Sync runs: one per connection at a time, held by a lease a crashed worker loses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from integrations import schedule
from integrations.models import Connection, SyncRun


def lease() -> timedelta:
    """How long a run holds its connection without renewing (renewed every batch)."""
    return timedelta(seconds=settings.SYNC_RUN_LEASE_SECONDS)


class RunBusy(Exception):
    """Another run holds this connection."""


def start(connection: Connection, trigger: str) -> SyncRun:
    """Open a run unless a live one holds the connection; an expired one is closed."""
    with transaction.atomic():
        Connection.objects.select_for_update().get(pk=connection.pk)
        current = SyncRun.objects.filter(
            connection=connection, status=SyncRun.Status.RUNNING
        ).first()
        if current is not None:
            if current.lease_expires_at > timezone.now():
                raise RunBusy(f"run {current.pk} is still going")
            current.status = SyncRun.Status.INTERRUPTED
            current.finished_at = timezone.now()
            current.save(update_fields=["status", "finished_at"])
        return SyncRun.objects.create(
            organisation_id=connection.organisation_id,
            connection=connection,
            trigger=trigger,
            lease_expires_at=timezone.now() + lease(),
        )


def progress(
    run: SyncRun, *, phase: str | None = None, done: int | None = None, total: int | None = None
) -> None:
    """Update what the card shows, and renew the lease while work goes on. A phase with
    nothing to do yet (no total, nothing done) is kept in memory, written by the next
    write or the run's end, unless the lease is past half its life: a quiet sync's dozen
    empty phases pass within a fraction of a second and would each be an UPDATE. Whether
    it is written depends on the work, not on the clock, but for a run slow enough to
    need its lease renewed."""
    if phase is not None:
        run.phase = phase
    if done is not None:
        run.done = done
    if total is not None:
        run.total = total
    now = timezone.now()
    if not (run.total or run.done) and _lease_young(run, now):
        run.__dict__["_progress_pending"] = True
        return
    _save_progress(run, now)


def _lease_young(run: SyncRun, now: datetime) -> bool:
    """The lease has more than half its life left: a write may wait for the next."""
    renew_by = run.lease_expires_at - lease() / 2 if run.lease_expires_at else now
    return now < renew_by


def _save_progress(run: SyncRun, now: datetime) -> None:
    run.lease_expires_at = now + lease()
    run.save(update_fields=["phase", "done", "total", "lease_expires_at", "counts"])
    run.__dict__["_progress_pending"] = False


def count(run: SyncRun, outcome: str, n: int = 1) -> None:
    """Counted in memory: saved with the next progress, page, error or the run's end,
    so a sync of thousands of records doesn't write its run once per record."""
    run.counts[outcome] = run.counts.get(outcome, 0) + n


def error(run: SyncRun, message: str, **context: Any) -> None:
    run.errors.append({"message": message, **context})
    count(run, "errors")
    run.save(update_fields=["errors", "counts"])


def finish(run: SyncRun, status: str | None = None, *, read_provider: bool = False) -> SyncRun:
    """End the run and schedule the next. ``read_provider``: the run read the provider's
    changes (integrations.syncs.reads_provider), so the next reads may count from it."""
    run.status = status or (SyncRun.Status.PARTIAL if run.errors else SyncRun.Status.SUCCEEDED)
    run.finished_at = timezone.now()
    run.phase = "done"
    connection = run.connection
    interval = timedelta(minutes=connection.organisation.sync_interval_minutes)
    updates: dict[str, datetime] = {}
    if run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL):
        updates["last_sync_at"] = run.finished_at
        if read_provider:
            updates["last_poll_at"] = run.started_at
    # Together: a card read between the two would show the run over (and stop polling)
    # with the connection's last sync still unset.
    with transaction.atomic():
        # done and total too: an empty phase's progress is not written on its own.
        run.save(update_fields=["status", "finished_at", "phase", "done", "total", "counts"])
        # Neither column of the connection is indexed: a HOT update of its row.
        schedule.set_next(connection, timezone.now() + interval, **updates)
    return run


def bump_done(run: SyncRun, n: int, *, news: bool = True) -> None:
    """Add ``n`` done (in the row: concurrent pushes of one run each add theirs).
    Without ``news`` (a page of records seen already, as a quiet sync reads at its read
    cursors' overlap) the sum is kept in memory for the next write or the run's end, as
    an empty phase's progress is, unless the lease needs renewing."""
    if n == 0:
        return  # nothing to show; the lease is renewed by progress and the next batch
    if not news and _lease_young(run, timezone.now()):
        run.done += n
        run.__dict__["_progress_pending"] = True
        return
    if run.__dict__.get("_progress_pending"):
        _save_progress(run, timezone.now())  # the phase's done=0 first, then the sum
    SyncRun.objects.filter(pk=run.pk).update(
        done=F("done") + n, lease_expires_at=timezone.now() + lease(), counts=run.counts
    )
    run.refresh_from_db(fields=["done", "lease_expires_at"])
