"""events.list: full lists, pages and the incremental read with sync tokens.

A sync token records the calendar's change count when it was given (and the
calendar's token epoch): the next read returns every event written since, deleted
ones included as cancelled husks. A page token pins the count the first page saw, so
writes made while a client pages wait for its next sync token. `nextSyncToken` comes
on the last page only. https://developers.google.com/calendar/api/guides/sync
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from sandbox.google_calendar import store
from sandbox.google_calendar.models import GoogleCalendar, GoogleEvent

DEFAULT_PAGE, MAX_PAGE = 250, 2500
# Google refuses these beside a syncToken (events.list reference).
NOT_WITH_SYNC_TOKEN = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)


class Refusal(Exception):
    """400 (`invalid`) or 410 (`expired`): the list cannot be given."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class Position:
    since: int  # changes after this count (0: a full list)
    upto: int  # ... up to this one
    offset: int
    incremental: bool


def _encode(*parts: object) -> str:
    raw = ":".join(str(part) for part in parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, count: int) -> list[int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        numbers = [int(part) for part in raw.split(":")]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refusal("Invalid token value.") from None
    if len(numbers) != count:
        raise Refusal("Invalid token value.")
    return numbers


def sync_token(calendar: GoogleCalendar, upto: int) -> str:
    return _encode(calendar.pk, calendar.token_epoch, upto)


def _position(calendar: GoogleCalendar, params: QueryDict) -> Position:
    sync = params.get("syncToken", "")
    if sync:
        clash = [name for name in NOT_WITH_SYNC_TOKEN if name in params]
        if clash or params.get("showDeleted") == "false":
            raise Refusal(f"Sync token cannot be used with {(clash or ['showDeleted'])[0]}.")
    page = params.get("pageToken", "")
    if page:
        since, upto, offset, incremental = _decode(page, 4)
        return Position(since, upto, offset, bool(incremental))
    if not sync:
        return Position(0, calendar.changes, 0, False)
    pk, epoch, since = _decode(sync, 3)
    if pk != calendar.pk or epoch != calendar.token_epoch:
        raise Refusal("Sync token is no longer valid, a full sync is required.", expired=True)
    return Position(since, calendar.changes, 0, True)


def _page_size(params: QueryDict) -> int:
    try:
        size = int(params.get("maxResults", DEFAULT_PAGE))
    except ValueError:
        raise Refusal("Invalid value for maxResults.") from None
    if size < 1:
        raise Refusal("Invalid value for maxResults.")
    return min(size, MAX_PAGE)


def _private_filters(params: QueryDict) -> list[tuple[str, str]]:
    pairs = []
    for item in params.getlist("privateExtendedProperty"):
        key, sep, value = item.partition("=")
        if not sep:
            raise Refusal("Invalid privateExtendedProperty value.")
        pairs.append((key, value))
    return pairs


def _ends_after(event: GoogleEvent, moment: dt.datetime) -> bool:
    end = event.body.get("end", {})
    if end.get("date"):
        return dt.date.fromisoformat(end["date"]) > moment.date()
    when = dt.datetime.fromisoformat(str(end.get("dateTime", "")).replace("Z", "+00:00"))
    return when.tzinfo is None or when > moment


def _kept(event: GoogleEvent, full: bool, params: QueryDict) -> bool:
    if full and event.status == "cancelled" and params.get("showDeleted") != "true":
        return False
    private = event.body.get("extendedProperties", {}).get("private", {})
    if any(private.get(key) != value for key, value in _private_filters(params)):
        return False
    time_min = params.get("timeMin")
    if time_min and event.status != "cancelled":
        try:
            moment = dt.datetime.fromisoformat(time_min.replace("Z", "+00:00"))
        except ValueError:
            raise Refusal("Bad Request") from None
        return _ends_after(event, moment)
    return True


def list_events(calendar: GoogleCalendar, params: QueryDict) -> dict[str, Any]:
    position = _position(calendar, params)
    size = _page_size(params)
    rows = calendar.events.filter(change__gt=position.since, change__lte=position.upto)
    chosen = [
        event
        for event in rows.order_by("change", "pk")
        if _kept(event, not position.incremental, params)
    ]
    page = chosen[position.offset : position.offset + size]
    body: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": store.new_etag(),
        "summary": calendar.summary,
        "updated": store.rfc3339(max((e.updated for e in page), default=calendar_now())),
        "timeZone": calendar.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
        "items": [store.as_json(event, husk=position.incremental) for event in page],
    }
    if position.offset + size < len(chosen):
        body["nextPageToken"] = _encode(
            position.since, position.upto, position.offset + size, int(position.incremental)
        )
    else:
        body["nextSyncToken"] = sync_token(calendar, position.upto)
    return body


def calendar_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
