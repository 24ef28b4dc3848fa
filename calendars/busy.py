"""Busy time read back from a two-way calendar, kept as times only.

The adapter hands over what changed (or, after a full read, everything); this module
makes the user's BusyBlock rows match, and marks Patchbay's own events the user deleted
there so the next push writes them again.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from calendars.adapter import Busy, BusyRead
from calendars.models import BusyBlock, EventLink, ReadCursor
from integrations.models import Connection

# The stretch of time read: crew are scheduled weeks ahead, rarely in the past.
WINDOW_BEFORE = timedelta(days=1)
WINDOW_AFTER = timedelta(days=120)


def cursor_of(connection: Connection) -> ReadCursor:
    cursor, _ = ReadCursor.objects.get_or_create(
        connection=connection, defaults={"organisation_id": connection.organisation_id}
    )
    now = timezone.now()
    # A cursor keeps the window it started with: once that runs short, read afresh over
    # a window starting now.
    if cursor.window_end is None or cursor.window_end < now + WINDOW_AFTER / 2:
        cursor.cursor = ""
    if not cursor.cursor:
        cursor.window_start, cursor.window_end = now - WINDOW_BEFORE, now + WINDOW_AFTER
    return cursor


def own_event_ids(connection: Connection) -> dict[str, str]:
    """Patchbay's events in the calendar: remote id -> the version Patchbay wrote."""
    rows = EventLink.objects.filter(connection=connection).exclude(remote_id="")
    return dict(rows.values_list("remote_id", "version"))


def _block(connection: Connection, busy: Busy) -> BusyBlock:
    assert connection.owner_id is not None  # noqa: S101 - calendar connections are a user's
    ends_at = max(busy.ends_at, busy.starts_at)  # an event with no end is a moment
    return BusyBlock(
        organisation_id=connection.organisation_id,
        connection=connection,
        user_id=connection.owner_id,
        remote_key=busy.remote_key,
        starts_at=busy.starts_at,
        ends_at=ends_at,
        all_day=busy.all_day,
        tentative=busy.tentative,
    )


def apply(connection: Connection, cursor: ReadCursor, read: BusyRead) -> int:
    """Store what the read found and where to read from next, in one transaction (a
    crash re-reads from the old cursor: the upserts make that harmless). Returns how
    many of Patchbay's own events the user deleted or changed (to be written again)."""
    blocks = {busy.remote_key: _block(connection, busy) for busy in read.busy}
    with transaction.atomic():
        mine = BusyBlock.objects.filter(connection=connection)
        if read.full:
            mine.exclude(remote_key__in=list(blocks)).delete()
        if read.gone:
            mine.filter(remote_key__in=read.gone).delete()
        BusyBlock.objects.bulk_create(
            list(blocks.values()),
            update_conflicts=True,
            unique_fields=["connection", "remote_key"],
            update_fields=["starts_at", "ends_at", "all_day", "tentative"],
        )
        # Written again by the push that follows: an update finds a deleted event gone
        # and makes it afresh under a new key; an edited one is overwritten.
        deleted = _to_rewrite(connection, read.deleted_events, "Deleted in the calendar.")
        deleted += _to_rewrite(connection, read.edited_events, "Changed in the calendar.")
        cursor.cursor = read.cursor
        cursor.read_at = timezone.now()
        cursor.save()
    return deleted


def _to_rewrite(connection: Connection, remote_ids: list[str], why: str) -> int:
    if not remote_ids:
        return 0
    links = EventLink.objects.filter(connection=connection, remote_id__in=remote_ids)
    return links.update(state=EventLink.State.ERROR, last_error=why)
