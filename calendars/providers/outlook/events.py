"""An EventDraft as Graph's event JSON, and the ownership tag Patchbay puts on it.

- `transactionId` is the link key: Graph uses it "to avoid redundant POST operations
  in case of client retries to create the same event".
- A single-value extended property carries the key too, so a retry can find the event
  with $filter (https://learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty).
- Times are wall times in the organisation's zone, named as Windows names, which
  Graph accepts everywhere; a zone without a mapping is written in UTC
  (https://learn.microsoft.com/graph/api/resources/datetimetimezone).
- All-day events run midnight to midnight (end exclusive) in one zone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from calendars.event import EventDraft

# A property set of Patchbay's own: {guid} plus a name, case-sensitive.
PROPERTY_SET = uuid.uuid5(uuid.NAMESPACE_URL, "https://patchbay.app/graph/PatchbayRef")
PROPERTY_ID = f"String {{{PROPERTY_SET}}} Name PatchbayRef"
# IANA -> Windows (CLDR windowsZones.xml, the zones Patchbay's customers use most).
WINDOWS_ZONES = {
    "UTC": "UTC",
    "Etc/UTC": "UTC",
    "Europe/London": "GMT Standard Time",
    "Europe/Dublin": "GMT Standard Time",
    "Europe/Lisbon": "GMT Standard Time",
    "Europe/Berlin": "W. Europe Standard Time",
    "Europe/Amsterdam": "W. Europe Standard Time",
    "Europe/Vienna": "W. Europe Standard Time",
    "Europe/Zurich": "W. Europe Standard Time",
    "Europe/Rome": "W. Europe Standard Time",
    "Europe/Stockholm": "W. Europe Standard Time",
    "Europe/Oslo": "W. Europe Standard Time",
    "Europe/Paris": "Romance Standard Time",
    "Europe/Brussels": "Romance Standard Time",
    "Europe/Madrid": "Romance Standard Time",
    "Europe/Copenhagen": "Romance Standard Time",
    "Europe/Budapest": "Central Europe Standard Time",
    "Europe/Prague": "Central Europe Standard Time",
    "Europe/Helsinki": "FLE Standard Time",
    "Europe/Kiev": "FLE Standard Time",
    "America/New_York": "Eastern Standard Time",
    "America/Toronto": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Denver": "Mountain Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "America/Vancouver": "Pacific Standard Time",
    "Australia/Sydney": "AUS Eastern Standard Time",
    "Australia/Melbourne": "AUS Eastern Standard Time",
    "Pacific/Auckland": "New Zealand Standard Time",
    "Asia/Tokyo": "Tokyo Standard Time",
    "Pacific/Kiritimati": "Line Islands Standard Time",
}
WALL = "%Y-%m-%dT%H:%M:%S"


def windows_zone(iana: str) -> str | None:
    return WINDOWS_ZONES.get(iana)


def _when(draft: EventDraft, moment: dt.datetime | dt.date) -> dict[str, str]:
    zone = windows_zone(draft.time_zone)
    if isinstance(moment, dt.datetime):
        if zone is None:
            return {"dateTime": moment.astimezone(dt.UTC).strftime(WALL), "timeZone": "UTC"}
        return {"dateTime": moment.astimezone(draft.zone).strftime(WALL), "timeZone": zone}
    return {"dateTime": f"{moment.isoformat()}T00:00:00", "timeZone": zone or "UTC"}


def content(draft: EventDraft) -> dict[str, Any]:
    """What Patchbay sets on every write (create and update alike)."""
    return {
        "subject": draft.title,
        "body": {"contentType": "text", "content": draft.description},
        "location": {"displayName": draft.location},
        "start": _when(draft, draft.start),
        "end": _when(draft, draft.end),
        "isAllDay": draft.all_day,
        "showAs": "busy",
        "isReminderOn": False,
    }


def new_event(draft: EventDraft) -> dict[str, Any]:
    return {
        **content(draft),
        "transactionId": draft.uid,
        "singleValueExtendedProperties": [{"id": PROPERTY_ID, "value": draft.uid}],
    }


def by_key_filter(key: str) -> str:
    return (
        f"singleValueExtendedProperties/Any(ep: ep/id eq '{PROPERTY_ID}' and ep/value eq '{key}')"
    )


def expand_tag() -> str:
    return f"singleValueExtendedProperties($filter=id eq '{PROPERTY_ID}')"


def tagged(item: dict[str, Any]) -> bool:
    props = item.get("singleValueExtendedProperties") or []
    return any(isinstance(p, dict) and p.get("id") == PROPERTY_ID for p in props)
