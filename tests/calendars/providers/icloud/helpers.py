"""Shared pieces of the iCloud tests: drafts, a ready calendar, stored-event reading."""

from __future__ import annotations

import datetime as dt

import icalendar

from calendars.event import EventDraft
from calendars.providers.icloud import discovery
from calendars.providers.icloud.transport import Transport
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.conftest import APPLE_ID

START = dt.datetime(2026, 6, 12, 6, tzinfo=dt.UTC)


def draft(uid: str = "pb-4c1f0a9d", **changes: object) -> EventDraft:
    fields: dict[str, object] = {
        "uid": uid,
        "title": "Load-in: Main Stage",
        "start": START,
        "end": START + dt.timedelta(hours=10),
        "time_zone": "Europe/Berlin",
        "url": "https://patchbay.example/projects/42",
    }
    return EventDraft(**{**fields, **changes})  # type: ignore[arg-type]


def patchbay_calendar(transport: Transport) -> str:
    home = discovery.discover(transport)
    return discovery.make_calendar(transport, home).url


def stored(icloud: ICloudSandbox) -> dict[str, icalendar.Event]:
    """What Radicale holds in the Patchbay calendar: file name -> its one event."""
    files = icloud.stored_events(APPLE_ID, "patchbay")
    return {name: icalendar.Calendar.from_ical(text).events[0] for name, text in files.items()}


def stored_titles(icloud: ICloudSandbox) -> dict[str, str]:
    return {name: str(event["SUMMARY"]) for name, event in stored(icloud).items()}
