"""EventDraft -> the iCalendar text of one CalDAV calendar object resource.

RFC 4791 §4.1 rules kept here: one VEVENT per resource, no METHOD property, and a
VTIMEZONE for every TZID used. Timed events are written in the organisation's zone
(never floating, never silently UTC); all-day events as VALUE=DATE with the
exclusive end. DTEND is always sent: iCloud refuses a VEVENT without an end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache

import icalendar

from calendars.event import EventDraft

PRODID = "-//Patchbay//Crew calendars//EN"
# Bump when the rendering changes, so the next reconcile rewrites every event.
RENDERING = "1"
EVENT_BEGINS = "BEGIN:VEVENT\r\n"  # as a whole line, after the CRLF ending the one before


def to_ical(draft: EventDraft, *, stamp: dt.datetime | None = None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(_vevent(draft, stamp or dt.datetime.now(dt.UTC)))
    zones = ""
    if not draft.all_day:
        first, last = _zone_window(draft)
        # As calendar.add_missing_timezones would place them (before the event), each
        # VTIMEZONE built and written once: its transitions cost more than the event.
        zones = "".join(
            _vtimezone(tzid, first, last) for tzid in sorted(calendar.get_missing_tzids())
        )
    text: str = calendar.to_ical().decode()
    # Folded lines start with a space and values escape line breaks: the only line
    # that is exactly BEGIN:VEVENT is where the event begins.
    return text.replace(f"\r\n{EVENT_BEGINS}", f"\r\n{zones}{EVENT_BEGINS}", 1)


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first: dt.date, last: dt.date) -> str:
    """The VTIMEZONE's text, shared by every event written in that zone and those years."""
    zone = icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)
    text: bytes = zone.to_ical()
    return text.decode()


def fingerprint(draft: EventDraft) -> str:
    """A digest of everything written except DTSTAMP: equal digests, equal events."""
    fields = (
        RENDERING,
        draft.uid,
        draft.title,
        draft.start.isoformat(),
        draft.end.isoformat(),
        draft.time_zone,
        draft.description,
        draft.location,
        draft.url,
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def _vevent(draft: EventDraft, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", draft.uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", _local(draft.start, draft))
    event.add("dtend", _local(draft.end, draft))
    event.add("summary", draft.title)
    event.add("transp", "OPAQUE")  # Patchbay's work blocks the person's time
    for name, value in (
        ("description", draft.description),
        ("location", draft.location),
        ("url", draft.url),
    ):
        if value:
            event.add(name, value)
    return event


def _local(moment: dt.datetime | dt.date, draft: EventDraft) -> dt.datetime | dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(draft.zone)  # the TZID is the organisation's zone
    return moment  # icalendar writes a date as VALUE=DATE


def _zone_window(draft: EventDraft) -> tuple[dt.date, dt.date]:
    """The years the event touches: enough VTIMEZONE to place it, and a short body
    (icalendar's default spans 1970-2038, some fifty transitions per zone)."""
    start, end = draft.start, draft.end
    return dt.date(start.year, 1, 1), dt.date(end.year + 1, 1, 1)
