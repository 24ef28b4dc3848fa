"""Waking a connection's sync from a notification, debounced.

A notification makes (or keeps) one `SyncWakeup` per matching connection, due
WEBHOOK_SYNC_DELAY_SECONDS after the first notification of a burst; later ones fold into
it. The webhook dispatcher starts due wake-ups with trigger "webhook". The connection's
next sync (its SyncSchedule) is also pulled in, a little after that
(WEBHOOK_SYNC_BACKSTOP_SECONDS), so the regular dispatcher runs the sync even if the
webhook dispatcher is not running, but normally finds it already claimed.

Rows are locked with SKIP LOCKED, as integrations.syncs.claim_due does, so the two
dispatchers never start the same connection twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.models import Connection, SyncRun, SyncSchedule
from integrations.provider_webhooks.models import SyncWakeup
from integrations.schedule import SYNCABLE_STATES, pull_in
from integrations.syncs import CLAIM


@dataclass(frozen=True)
class Woken:
    connection_ids: list[int]
    unknown_remote_ids: list[str]  # named by the provider, matched no live connection


def delay() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS)


def backstop() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_SYNC_BACKSTOP_SECONDS)


def wake(provider: str, remote_ids: Iterable[str]) -> Woken:
    """Wake every live connection of `provider` to one of `remote_ids`, in any organisation
    that connected it (two organisations may connect the same Xero tenant)."""
    wanted = sorted(set(remote_ids))
    matched = list(
        Connection.objects.filter(
            provider=provider, remote_id__in=wanted, state__in=SYNCABLE_STATES
        )
        .order_by("pk")  # one lock order for concurrent notifications
        .values_list("pk", "organisation_id", "remote_id")
    )
    now = timezone.now()
    due = now + delay()
    ids = [pk for pk, _, _ in matched]
    with transaction.atomic():
        # One statement for the whole burst: an existing wake-up keeps its earlier due time.
        SyncWakeup.objects.bulk_create(
            [
                SyncWakeup(organisation_id=org, connection_id=pk, first_at=now, due_at=due)
                for pk, org, _ in matched
            ],
            ignore_conflicts=True,
        )
        pull_in(ids, due + backstop())
    found = {remote for _, _, remote in matched}
    return Woken(ids, [remote for remote in wanted if remote not in found])


def claim_woken(limit: int = 100) -> list[int]:
    """Due wake-ups whose connection is free: claimed (next_sync_at pushed CLAIM ahead, as
    claim_due does) and removed. A wake-up already served by a run that started after the
    notification is dropped; one whose connection is mid-run waits for that run to end."""
    now = timezone.now()
    claimed: list[int] = []
    with transaction.atomic():
        due = list(
            SyncWakeup.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now)
            .order_by("due_at")[:limit]
        )
        free = _lock_connections([wakeup.connection_id for wakeup in due])
        for wakeup in due:
            verdict = _verdict(wakeup, free.get(wakeup.connection_id), now)
            if verdict == "wait":
                continue
            if verdict == "run":
                claimed.append(wakeup.connection_id)
            wakeup.delete()
        SyncSchedule.objects.filter(connection_id__in=claimed).update(next_sync_at=now + CLAIM)
    return claimed


def _lock_connections(ids: list[int]) -> dict[int, Connection]:
    """The connections free to start: neither the connection nor its schedule locked (a
    dispatcher's claim holds the schedule rows it takes, a run's start the connection)."""
    rows = (
        SyncSchedule.objects.select_for_update(skip_locked=True, of=("self", "connection"))
        .select_related("connection")
        .filter(connection_id__in=ids)
    )
    return {row.connection_id: row.connection for row in rows}


def _verdict(wakeup: SyncWakeup, connection: Connection | None, now: datetime) -> str:
    """ "run", "drop" (nothing to do) or "wait" (locked by a dispatcher, or mid-run)."""
    if connection is None:
        return "wait"
    if connection.state not in SYNCABLE_STATES:
        return "drop"
    latest = SyncRun.objects.filter(connection_id=connection.pk).order_by("-started_at").first()
    if latest is not None and latest.started_at >= wakeup.first_at:
        return "drop"  # that run read the books after the change was notified
    if latest is not None and latest.is_running and latest.lease_expires_at > now:
        return "wait"
    return "run"
