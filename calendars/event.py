"""The event Patchbay wants in someone's calendar, before any provider shapes it.

Every provider maps from this one record: iCloud writes it as iCalendar, Google and
Microsoft Graph as their JSON. Times are either aware datetimes (a timed event) or
plain dates (an all-day event, end exclusive as in RFC 5545, Google and Graph).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Lowercase letters, digits and inner hyphens: safe as a file name in a CalDAV href
# (`<uid>.ics` needs no escaping) and easy to map to Google's base32hex event ids.
UID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_UID_LENGTH = 200


class InvalidEvent(ValueError):
    """The draft cannot be written to any calendar; the message says why."""


@dataclass(frozen=True)
class EventDraft:
    """One event as Patchbay wants it: deterministic ``uid``, no provider ids.

    ``uid`` is stable per assignment or project and target calendar, so a retried
    create finds the event it made before. ``time_zone`` is an IANA name (the
    organisation's); timed events are written in it.
    """

    uid: str
    title: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    time_zone: str
    description: str = ""
    location: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        _check_uid(self.uid)
        _check_zone(self.time_zone)
        _check_times(self.start, self.end)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def _check_uid(uid: str) -> None:
    if len(uid) > MAX_UID_LENGTH or not UID_PATTERN.fullmatch(uid):
        raise InvalidEvent(
            f"uid {uid!r} must be 1-{MAX_UID_LENGTH} lowercase letters, digits and hyphens"
        )


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidEvent(f"{name!r} is not an IANA time zone") from None


def _check_times(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> None:
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if start.utcoffset() is None or end.utcoffset() is None:
            raise InvalidEvent("timed events need aware datetimes (no floating times)")
    elif isinstance(start, dt.datetime) or isinstance(end, dt.datetime):
        raise InvalidEvent("start and end must both be datetimes or both be dates")
    if end <= start:
        raise InvalidEvent("the end must come after the start")
