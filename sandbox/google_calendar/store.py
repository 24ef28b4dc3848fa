"""The calendars and events behind the API and the console: every write goes through
here, so etags, the change count that sync tokens read and the push notifications are
the same whoever writes (the app through the API, or the person in the console).

Event ids follow Google's rules: base32hex (a-v, 0-9), 5 to 1024 characters, unique
in the calendar, and a deleted event keeps its id as a cancelled husk.
https://developers.google.com/workspace/calendar/api/v3/reference/events
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.google_calendar.models import GoogleCalendar, GoogleEvent, GoogleUser

EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
# The fields an insert or patch may set; the rest are the server's.
WRITABLE = frozenset(
    {
        "summary",
        "description",
        "location",
        "start",
        "end",
        "transparency",
        "status",
        "extendedProperties",
        "recurrence",
        "visibility",
        "colorId",
        "source",
        "attendees",
        "reminders",
        "iCalUID",
    }
)


class Invalid(Exception):
    """A body Google refuses with 400; the message is Google's wording."""


def new_etag() -> str:
    return f'"{secrets.randbits(60)}"'


def new_event_id() -> str:
    # base32hex, lowercase: what Google's own generated ids look like.
    return base64.b32hexencode(secrets.token_bytes(15)).decode().lower()


def live_calendar(user: GoogleUser, calendar_id: str) -> GoogleCalendar | None:
    rows = GoogleCalendar.objects.filter(user=user, deleted_at__isnull=True)
    if calendar_id == "primary":
        return rows.filter(primary=True).first()
    return rows.filter(calendar_id=calendar_id).first()


def create_calendar(
    user: GoogleUser, summary: str, time_zone: str, client_id: str
) -> GoogleCalendar:
    calendar_id = f"{secrets.token_hex(16)}@group.calendar.google.com"
    return GoogleCalendar.objects.create(
        user=user,
        calendar_id=calendar_id,
        summary=summary or "Untitled",
        time_zone=time_zone or "UTC",
        created_by_client=client_id,
        etag=new_etag(),
    )


def _bump(calendar: GoogleCalendar) -> int:
    GoogleCalendar.objects.filter(pk=calendar.pk).update(changes=F("changes") + 1)
    calendar.refresh_from_db(fields=["changes"])
    return calendar.changes


def _when(value: Any, name: str) -> dt.date | dt.datetime:
    if not isinstance(value, dict):
        raise Invalid(f"Missing {name} time.")
    if value.get("date"):
        try:
            return dt.date.fromisoformat(value["date"])
        except (TypeError, ValueError):
            raise Invalid(f"Invalid {name} date.") from None
    try:
        moment = dt.datetime.fromisoformat(str(value.get("dateTime", "")).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"Missing {name} time.") from None
    if moment.tzinfo is None and not value.get("timeZone"):
        raise Invalid(f"Missing time zone definition for {name} time.")
    return moment


def check_body(body: dict[str, Any]) -> None:
    start, end = _when(body.get("start"), "start"), _when(body.get("end"), "end")
    if type(start) is not type(end):
        raise Invalid("Start and end times must either both be date or both be dateTime.")
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if start.tzinfo is not None and end.tzinfo is not None and end < start:
            raise Invalid("The specified time range is empty.")
    elif end <= start:  # all-day: the end is exclusive, so it must be a later day
        raise Invalid("The specified time range is empty.")
    if body.get("recurrence") and not (
        body["start"].get("timeZone") and body["end"].get("timeZone")
    ):
        raise Invalid("Missing time zone definition for start time.")
    if body.get("transparency", "opaque") not in ("opaque", "transparent"):
        raise Invalid("Invalid transparency value.")


def _kept(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key in WRITABLE}


Notify = Callable[[GoogleCalendar], None]


def _notify_after_commit(calendar: GoogleCalendar) -> None:
    from sandbox.google_calendar import push

    transaction.on_commit(lambda: push.calendar_changed(calendar.pk))


def insert(calendar: GoogleCalendar, event_id: str, body: dict[str, Any]) -> GoogleEvent:
    """Raises Invalid, or LookupError when the id is taken (even by a deleted event)."""
    if event_id and not EVENT_ID.fullmatch(event_id):
        raise Invalid("Invalid resource id value.")
    fields = _kept(body)
    check_body(fields)
    with transaction.atomic():
        if GoogleEvent.objects.filter(calendar=calendar, event_id=event_id).exists():
            raise LookupError(event_id)
        now = timezone.now()
        event = GoogleEvent.objects.create(
            calendar=calendar,
            event_id=event_id or new_event_id(),
            etag=new_etag(),
            status=fields.pop("status", "confirmed"),
            body=fields,
            change=_bump(calendar),
            created=now,
            updated=now,
        )
        _notify_after_commit(calendar)
    return event


def patch(event: GoogleEvent, body: dict[str, Any], *, replace: bool = False) -> GoogleEvent:
    fields = _kept(body)
    merged = fields if replace else _merge(event.body, fields)
    check_body(merged)
    with transaction.atomic():
        event.status = merged.pop("status", event.status if not replace else "confirmed")
        event.body = merged
        event.etag = new_etag()
        event.updated = timezone.now()
        event.change = _bump(event.calendar)
        event.save()
        _notify_after_commit(event.calendar)
    return event


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """PATCH semantics: named fields replace, except that extendedProperties merge key by
    key (https://developers.google.com/calendar/api/guides/extended-properties)."""
    merged = {**old, **new}
    if "extendedProperties" in new and "extendedProperties" in old:
        props: dict[str, Any] = {}
        for part in ("private", "shared"):
            both = {
                **old["extendedProperties"].get(part, {}),
                **new["extendedProperties"].get(part, {}),
            }
            if both:
                props[part] = both
        merged["extendedProperties"] = props
    return merged


def delete(event: GoogleEvent) -> None:
    with transaction.atomic():
        event.status = "cancelled"
        event.etag = new_etag()
        event.updated = timezone.now()
        event.change = _bump(event.calendar)
        event.save()
        _notify_after_commit(event.calendar)


def delete_calendar(calendar: GoogleCalendar) -> None:
    calendar.deleted_at = timezone.now()
    calendar.save(update_fields=["deleted_at"])
    calendar.channels.filter(stopped_at__isnull=True).update(stopped_at=timezone.now())


def expire_sync_tokens(calendar: GoogleCalendar) -> None:
    GoogleCalendar.objects.filter(pk=calendar.pk).update(token_epoch=F("token_epoch") + 1)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def as_json(event: GoogleEvent, *, husk: bool = False) -> dict[str, Any]:
    """An Event resource; a cancelled one read incrementally is only its id and status."""
    head = {"kind": "calendar#event", "etag": event.etag, "id": event.event_id}
    if husk and event.status == "cancelled":
        return head | {"status": "cancelled"}
    return head | {
        "status": event.status,
        "htmlLink": f"https://www.google.com/calendar/event?eid={event.event_id}",
        "created": rfc3339(event.created),
        "updated": rfc3339(event.updated),
        "iCalUID": event.body.get("iCalUID") or f"{event.event_id}@google.com",
        "sequence": 0,
        "eventType": "default",
        **{key: value for key, value in event.body.items() if key != "iCalUID"},
    }


def calendar_json(calendar: GoogleCalendar) -> dict[str, Any]:
    return {
        "kind": "calendar#calendar",
        "etag": calendar.etag,
        "id": calendar.calendar_id,
        "summary": calendar.summary,
        "timeZone": calendar.time_zone,
    }


def list_entry_json(calendar: GoogleCalendar) -> dict[str, Any]:
    entry = {
        "kind": "calendar#calendarListEntry",
        "etag": calendar.etag,
        "id": calendar.calendar_id,
        "summary": calendar.summary,
        "timeZone": calendar.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
    }
    return entry | ({"primary": True} if calendar.primary else {})
