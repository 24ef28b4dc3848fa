"""A user disconnecting their calendar: what is kept from the form, and the worker's last
calls with their credentials (stop notifications; remove Patchbay's events if asked)."""

from __future__ import annotations

from collections.abc import Mapping

from calendars.adapter import CalendarAdapter
from calendars.models import BusyBlock, CalendarTarget, EventLink, ReadCursor
from calendars.sync import adapter_for
from integrations.errors import ProviderError
from integrations.models import Connection

REMOVE_EVENTS = "remove_events"


def before_disconnect(connection: Connection, choices: Mapping[str, str]) -> None:
    remove = choices.get(REMOVE_EVENTS) == "1"
    CalendarTarget.objects.filter(connection=connection).update(remove_events_on_leave=remove)
    # Someone's busy time is read for scheduling while they are connected, not after.
    BusyBlock.objects.filter(connection=connection).delete()


def leave(connection: Connection) -> list[str]:
    problems: list[str] = []
    adapter = adapter_for(connection)
    cursor = ReadCursor.objects.filter(connection=connection).first()
    if adapter.two_way and cursor is not None and cursor.channel_id:
        try:
            adapter.stop_watch(cursor)
        except ProviderError as error:
            problems.append(f"Stopping notifications failed: {error.message}")
        cursor.channel_id = cursor.channel_resource = cursor.channel_secret = ""
        cursor.channel_expires_at = None
        cursor.save()
    target = CalendarTarget.objects.filter(connection=connection).first()
    if target is not None and target.remove_events_on_leave and target.remote_id:
        problems += _remove_events(adapter, connection, target)
    return problems


def _remove_events(
    adapter: CalendarAdapter, connection: Connection, target: CalendarTarget
) -> list[str]:
    failed = 0
    for link in EventLink.objects.filter(connection=connection):
        try:
            adapter.delete(target.remote_id, link)
        except ProviderError:
            failed += 1
            continue
        link.delete()
    if failed:
        return [f"{failed} events could not be removed from {target.name}; delete them there."]
    return []
