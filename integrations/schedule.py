"""Each connection's SyncSchedule: when it syncs next, and whether the tick may take it.

``syncable`` is a copy of what a connection's state and provider say (a state a sync
runs in, a provider whose integration syncs), kept so that the tick reads one narrow
table. It follows the connection through ``follow``, which a save of a connection's
state calls (``follow_saved``: every state change in Patchbay is such a save), and
through ``reconcile`` after each migrate, for what a save cannot see: a provider that
gains or loses its sync in a deploy, and connections inserted in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection as db
from django.db.models import Field, Q

from integrations.models import Connection, SyncSchedule
from integrations.registry import get_integration, syncing_slugs

# The states a sync runs in: an Error connection needs a person to reconnect first.
SYNCABLE_STATES = (Connection.State.CONNECTED, Connection.State.DEGRADED)


def is_syncable(connection: Connection) -> bool:
    entry = get_integration(connection.provider)
    return connection.state in SYNCABLE_STATES and entry is not None and entry.syncs


def follow(connection: Connection) -> None:
    """The connection's schedule says whether it syncs, as its state and provider do now;
    made (due at once) if the connection has none. One statement."""
    _upsert(connection, next_sync_at=None, fields=["syncable"])


def set_next(connection: Connection, at: datetime, **also: datetime) -> None:
    """The connection syncs next at ``at`` (a row made if it has none). ``also``: columns
    of the connection itself written with it (a finished run's last_sync_at): one
    statement on PostgreSQL, so a run's end costs what it did when next_sync_at was the
    connection's own column."""
    if also and db.vendor == "postgresql":
        _set_next_and_update(connection, at, also)
        return
    if also:
        Connection.objects.filter(pk=connection.pk).update(**also)
    _upsert(connection, next_sync_at=at, fields=["next_sync_at"])


# The schedule's upsert rides in a CTE of the connection's UPDATE (PostgreSQL runs a
# data-modifying CTE whether or not the statement reads it).
SET_NEXT_AND_UPDATE_SQL = """
WITH next AS (
    INSERT INTO integrations_syncschedule (connection_id, next_sync_at, syncable)
    VALUES (%(pk)s, %(at)s, %(syncable)s)
    ON CONFLICT (connection_id) DO UPDATE SET next_sync_at = EXCLUDED.next_sync_at
)
UPDATE integrations_connection SET {assignments} WHERE id = %(pk)s
"""


def _set_next_and_update(connection: Connection, at: datetime, also: dict[str, datetime]) -> None:
    columns: dict[str, datetime] = {}
    for name, value in also.items():
        field = Connection._meta.get_field(name)  # refuses any name but the model's own
        if not isinstance(field, Field) or not field.column:
            raise ValueError(f"{name} is not a column of Connection")
        columns[field.column] = value
    assignments = ", ".join(f'"{column}" = %({column})s' for column in columns)
    params: dict[str, Any] = {
        "pk": connection.pk,
        "at": at,
        "syncable": is_syncable(connection),
        **columns,
    }
    with db.cursor() as cursor:
        cursor.execute(SET_NEXT_AND_UPDATE_SQL.format(assignments=assignments), params)


def _upsert(connection: Connection, *, next_sync_at: datetime | None, fields: list[str]) -> None:
    row = SyncSchedule(
        connection_id=connection.pk,
        next_sync_at=next_sync_at,
        syncable=is_syncable(connection),
    )
    SyncSchedule.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["connection"], update_fields=fields
    )


def pull_in(connection_ids: Iterable[int], at: datetime) -> None:
    """next_sync_at = min(next_sync_at, at), in one UPDATE that never postpones a sync
    (a NULL is already due)."""
    SyncSchedule.objects.filter(connection_id__in=connection_ids, next_sync_at__gt=at).update(
        next_sync_at=at
    )


def next_sync_at(connection: Connection) -> datetime | None:
    """When the connection syncs next, from its schedule as loaded with it (cards load it
    with select_related("schedule")); None without a schedule."""
    try:
        return connection.schedule.next_sync_at
    except SyncSchedule.DoesNotExist:
        return None


def follow_saved(
    sender: type[Connection],
    instance: Connection,
    created: bool,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **_: Any,
) -> None:
    """post_save of Connection: a new connection gets its schedule, and a saved state is
    copied to it (a save of other fields alone costs nothing more)."""
    if raw:
        return  # loaddata: the fixture holds the schedules too
    if created or update_fields is None or "state" in update_fields:
        follow(instance)


def reconcile() -> int:
    """Every connection gets a schedule, and every schedule's syncable what its
    connection's state and the registry say now. For after a migrate (a deploy may
    change which providers sync) and after connections inserted in bulk. Returns how
    many rows changed."""
    if SyncSchedule._meta.db_table not in db.introspection.table_names():
        return 0  # migrated to before the schedule existed
    missing = Connection.objects.filter(schedule__isnull=True).values_list("pk", flat=True)
    made = SyncSchedule.objects.bulk_create(
        (SyncSchedule(connection_id=pk) for pk in missing.iterator()), batch_size=5_000
    )
    syncs = Q(connection__state__in=SYNCABLE_STATES, connection__provider__in=syncing_slugs())
    turned_on = SyncSchedule.objects.filter(syncs, syncable=False).update(syncable=True)
    turned_off = SyncSchedule.objects.filter(~syncs, syncable=True).update(syncable=False)
    return len(made) + turned_on + turned_off
