"""Getting a change into calendars soon: after an assignment or project changes, and
after a provider notifies that a calendar changed.

Real-time users' connections get a sync within seconds, once per burst: the first
change of a burst enqueues it `DEBOUNCE` ahead and later ones find it already coming
(a cache key set with add(), atomic in Redis). Everyone's next_sync_at is also pulled
in, so the database-driven dispatcher is the backstop if a worker lost the task, and
15-minute users are served by it alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from calendars.choices import Frequency
from calendars.settings_of import effective_for
from integrations.models import Connection, SyncRun
from integrations.registry import registered
from integrations.schedule import SYNCABLE_STATES, pull_in

DEBOUNCE = timedelta(seconds=2)
BACKSTOP = timedelta(minutes=2)
QUARTER_HOUR = timedelta(minutes=15)


def _calendar_slugs() -> list[str]:
    from calendars.registry import CalendarIntegration

    return [entry.slug for entry in registered() if isinstance(entry, CalendarIntegration)]


def soon(connection_id: int) -> None:
    """The provider says the calendar changed: read it within seconds, once per burst
    (a flood of notifications costs a Redis write each, and one read)."""
    if _enqueue(connection_id):
        pull_in([connection_id], timezone.now() + BACKSTOP)


def _dirty_key(connection_id: int) -> str:
    return f"calendars:dirty:{connection_id}"


def settle(connection_id: int) -> None:
    """A push is about to read what to write: changes until now are in it."""
    cache.delete(_dirty_key(connection_id))


def changed_since_settled(connection_id: int) -> bool:
    return bool(cache.get(_dirty_key(connection_id)))


def _due_key(connection_id: int) -> str:
    return f"calendars:due:{connection_id}"


def started(connection_id: int) -> None:
    """The sync enqueued for a burst has started: the next change enqueues another (and
    until then, changes find one coming). If the task was lost, the key lapses and the
    dispatcher's backstop has the connection anyway."""
    cache.delete(_due_key(connection_id))


def follow_up(connection_id: int) -> None:
    """After a run: changes it did not take in are synced soon."""
    if changed_since_settled(connection_id):
        _enqueue(connection_id)


def _enqueue(connection_id: int) -> bool:
    """A sync of the connection within DEBOUNCE, unless one is already coming."""
    from integrations.syncs import sync_connection

    # Set before the debounce check: a run already going sees it and goes round again.
    cache.set(_dirty_key(connection_id), 1, timeout=int(BACKSTOP.total_seconds()))
    seconds = DEBOUNCE.total_seconds()
    if not cache.add(_due_key(connection_id), 1, timeout=int(BACKSTOP.total_seconds())):
        return False
    sync_connection.apply_async((connection_id, SyncRun.Trigger.WEBHOOK), countdown=seconds)
    return True


def users_changed(organisation_id: int, user_ids: Iterable[int]) -> None:
    """Assignments of these users changed: after the transaction commits, their calendar
    connections sync (real-time: within seconds; 15-minute: within a quarter hour)."""
    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(lambda: _wake_users(organisation_id, ids))


def _wake_users(organisation_id: int, user_ids: list[int]) -> None:
    rows = Connection.objects.filter(
        organisation_id=organisation_id,
        owner_id__in=user_ids,
        provider__in=_calendar_slugs(),
        state__in=SYNCABLE_STATES,
    ).values_list("pk", "owner_id")
    now = timezone.now()
    for connection_id, owner_id in rows:
        frequency = effective_for(organisation_id, owner_id).frequency
        if frequency == Frequency.REALTIME:
            pull_in([connection_id], now + BACKSTOP)
            _enqueue(connection_id)
        else:
            pull_in([connection_id], now + QUARTER_HOUR)
