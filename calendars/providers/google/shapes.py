"""Patchbay's events as Google's JSON, and Google's events as busy time.

Written events carry a deterministic ``id`` (the link key: "pb" and lowercase hex,
which is base32hex as Google's ids must be) and a private extended property naming
them as Patchbay's, which only this calendar's copy shows. ``sendUpdates=none`` is
sent with writes so nobody gets an invitation.
https://developers.google.com/workspace/calendar/api/v3/reference/events
https://developers.google.com/calendar/api/guides/extended-properties
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendars.adapter import Busy
from calendars.event import EventDraft

TAG, REF = "patchbay", "pb_ref"
SOURCE_NOTE = (
    "Added by Patchbay, which keeps this event: changes made here are replaced at the next sync."
)
# Google's rule for ids a client supplies: base32hex, 5 to 1024 characters.
EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")


def valid_event_id(key: str) -> bool:
    return bool(EVENT_ID.fullmatch(key))


def _when(value: dt.datetime | dt.date, zone: str) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        return {"dateTime": value.astimezone(ZoneInfo(zone)).isoformat(), "timeZone": zone}
    return {"date": value.isoformat()}


def event_body(draft: EventDraft) -> dict[str, Any]:
    """The fields Patchbay owns; everything else on the event is left as it is."""
    description = (
        draft.description
        if "Patchbay" in draft.description
        else (f"{draft.description}\n\n{SOURCE_NOTE}".strip())
    )
    body: dict[str, Any] = {
        "summary": draft.title,
        "description": description,
        "location": draft.location,
        "start": _when(draft.start, draft.time_zone),
        "end": _when(draft.end, draft.time_zone),
        "transparency": "opaque",
        "status": "confirmed",
        "extendedProperties": {"private": {TAG: "1", REF: draft.uid}},
    }
    if draft.url.startswith(("https://", "http://")):
        body["source"] = {"title": "Patchbay", "url": draft.url}
    return body


def is_patchbay(item: dict[str, Any]) -> bool:
    private = (item.get("extendedProperties") or {}).get("private") or {}
    return private.get(TAG) == "1" or bool(private.get(REF))


def remote_key(calendar_id: str, event_id: str) -> str:
    """What a busy block is known by: a digest of the occurrence, never its id."""
    return hashlib.sha256(f"google|{calendar_id}|{event_id}".encode()).hexdigest()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _moment(value: Any, zone: ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """(an aware datetime, all-day?) or None when unreadable or missing."""
    if not isinstance(value, dict):
        return None
    try:
        if value.get("date"):
            day = dt.date.fromisoformat(value["date"])
            return dt.datetime.combine(
                day, dt.time(), _zone(value.get("timeZone", "")) if value.get("timeZone") else zone
            ), True
        moment = dt.datetime.fromisoformat(str(value.get("dateTime", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(value.get("timeZone", "")))
    return moment, False


def _self_response(item: dict[str, Any]) -> str:
    for attendee in item.get("attendees") or []:
        if isinstance(attendee, dict) and attendee.get("self"):
            return str(attendee.get("responseStatus", ""))
    return ""


def busy_of(item: dict[str, Any], calendar_id: str, zone_name: str) -> Busy | None:
    """The busy time an event holds, or None when it holds none: cancelled, marked free
    (transparent), declined, or without readable times. An event with no end is busy for
    its day when all-day and not at all when timed (it has no length)."""
    if item.get("status") == "cancelled" or item.get("transparency") == "transparent":
        return None
    response = _self_response(item)
    if response == "declined":
        return None
    zone = _zone(zone_name)
    start = _moment(item.get("start"), zone)
    if start is None:
        return None
    end = _moment(item.get("end"), zone)
    if end is None:
        if not start[1]:
            return None
        end = (start[0] + dt.timedelta(days=1), True)
    if end[0] <= start[0]:
        return None
    tentative = item.get("status") == "tentative" or response == "tentative"
    return Busy(
        remote_key(calendar_id, str(item["id"])),
        start[0].astimezone(dt.UTC),
        end[0].astimezone(dt.UTC),
        all_day=start[1],
        tentative=tentative,
    )
