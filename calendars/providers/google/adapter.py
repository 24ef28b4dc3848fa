"""Google Calendar as the push engine sees it.

- put: insert with the link key as the event id; a 409 duplicate means an earlier try
  made it (a timeout ate the answer): read it, check it is ours, and adopt it. Updates
  PATCH with If-Match; a 412 (the person edited it) is overwritten, since Patchbay is
  the source of its events. 404/410 on the event: EventGone; on the calendar: CalendarGone.
- read_busy: events.list with singleEvents (occurrences, each its own id) and a sync
  token; a 410 fullSyncRequired starts over and says so (full=True).
  https://developers.google.com/calendar/api/guides/sync
- renew_watch / stop_watch: events.watch channels (a new id each time, the old one
  stopped after), with a random per-channel token Google echoes back.
  https://developers.google.com/workspace/calendar/api/guides/push
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from calendars.adapter import BusyRead, CalendarAdapter, RemoteCalendar, Written
from calendars.errors import CalendarGone, EventGone
from calendars.event import EventDraft
from calendars.models import EventLink, ReadCursor
from calendars.providers.google import shapes
from calendars.providers.google.api import GoogleApi
from calendars.providers.google.errors import UnexpectedResponse
from integrations.errors import ProviderError
from integrations.models import Connection, SyncRun

BUSY_CALENDAR = "primary"  # the availability calendar read back
PAGE_SIZE = "250"
WATCH_TTL_SECONDS = 7 * 24 * 3600  # Google's default and, as far as known, its cap
PENDING_SECONDS = 120  # a channel's sync message may come before watch answers
WRITE = {"sendUpdates": "none"}


def pending_key(channel_id: str) -> str:
    return f"calendars:google:pending-channel:{channel_id}"


class GoogleCalendarAdapter(CalendarAdapter):
    two_way = True

    def __init__(self, connection: Connection, run: SyncRun | None = None) -> None:
        self.connection = connection
        self.api = GoogleApi(connection, run)

    # --- calendars ---------------------------------------------------------------------

    def calendars(self) -> list[RemoteCalendar]:
        found = []
        for item in self._pages(self.api.url("users", "me", "calendarList"), {}, "calendar"):
            writable = item.get("accessRole") in ("owner", "writer")
            found.append(
                RemoteCalendar(
                    item["id"], item.get("summary", ""), bool(item.get("primary")), writable
                )
            )
        return found

    def create_calendar(self, name: str) -> RemoteCalendar:
        zone = self.connection.organisation.timezone
        response = self.api.send(
            "POST",
            self.api.url("calendars"),
            entity="calendar",
            body={"summary": name, "timeZone": zone},
        )
        if response.status_code != 200:
            raise UnexpectedResponse("creating a calendar", response)
        made = response.json()
        return RemoteCalendar(made["id"], made.get("summary", name), False, True)

    # --- events ------------------------------------------------------------------------

    def _event_url(self, calendar_id: str, event_id: str) -> str:
        return self.api.url("calendars", calendar_id, "events", event_id)

    def put(self, calendar_id: str, draft: EventDraft, link: EventLink) -> Written:
        if not shapes.valid_event_id(draft.uid):
            raise ProviderError(f"{draft.uid!r} is not a valid Google event id")
        if link.remote_id:
            return self._update(calendar_id, link.remote_id, draft, link.version)
        return self._insert(calendar_id, draft)

    def _insert(self, calendar_id: str, draft: EventDraft) -> Written:
        url = self.api.url("calendars", calendar_id, "events")
        body = {"id": draft.uid, **shapes.event_body(draft)}
        response = self.api.send("POST", url, entity="event", body=body, params=WRITE)
        if response.status_code == 200:
            return self._written(calendar_id, response)
        if response.status_code == 409:
            return self._adopt(calendar_id, draft)
        if response.status_code == 404:
            raise CalendarGone("The calendar Patchbay writes to was deleted in Google Calendar.")
        raise UnexpectedResponse("an event insert", response)

    def _adopt(self, calendar_id: str, draft: EventDraft) -> Written:
        """The id exists: an earlier try made it, or it is a deleted husk."""
        response = self.api.send("GET", self._event_url(calendar_id, draft.uid), entity="event")
        if response.status_code in (404, 410):
            raise EventGone("The event's id is taken by a deleted event.")
        if response.status_code != 200:
            raise UnexpectedResponse("reading an event to adopt", response)
        found = response.json()
        if found.get("status") == "cancelled":
            raise EventGone("The event was deleted; it is written afresh.")
        private = (found.get("extendedProperties") or {}).get("private") or {}
        if private.get(shapes.REF) != draft.uid:
            raise ProviderError("An event that is not Patchbay's holds this event's id.")
        return self._update(calendar_id, draft.uid, draft, str(found.get("etag", "")))

    def _update(self, calendar_id: str, event_id: str, draft: EventDraft, etag: str) -> Written:
        url = self._event_url(calendar_id, event_id)
        body = shapes.event_body(draft)
        for _ in range(2):
            headers = {"If-Match": etag} if etag else {}
            response = self.api.send(
                "PATCH", url, entity="event", body=body, params=WRITE, headers=headers
            )
            if response.status_code == 200:
                return self._written(calendar_id, response)
            if response.status_code != 412:
                break
            etag = self._current_etag(calendar_id, event_id)  # edited there: overwrite
        self._raise_gone(calendar_id, response)
        raise UnexpectedResponse("an event update", response)

    def _raise_gone(self, calendar_id: str, response: requests.Response) -> None:
        if response.status_code == 410:
            raise EventGone("The event was deleted in Google Calendar.")
        if response.status_code == 404:
            if not self._calendar_exists(calendar_id):
                raise CalendarGone(
                    "The calendar Patchbay writes to was deleted in Google Calendar."
                )
            raise EventGone("The event was deleted in Google Calendar.")

    def _current_etag(self, calendar_id: str, event_id: str) -> str:
        response = self.api.send("GET", self._event_url(calendar_id, event_id), entity="event")
        if response.status_code == 200 and response.json().get("status") != "cancelled":
            return str(response.json().get("etag", ""))
        self._raise_gone(calendar_id, response)
        raise EventGone("The event was deleted in Google Calendar.")

    def _written(self, calendar_id: str, response: requests.Response) -> Written:
        body = response.json()
        etag = str(body.get("etag") or response.headers.get("ETag") or "")
        if not etag:  # never write conditionally on a version Patchbay did not get
            etag = self._current_etag(calendar_id, str(body["id"]))
        return Written(str(body["id"]), etag)

    def _calendar_exists(self, calendar_id: str) -> bool:
        url = self.api.url("calendars", calendar_id)
        return self.api.send("GET", url, entity="calendar").status_code != 404

    def delete(self, calendar_id: str, link: EventLink) -> None:
        url = self._event_url(calendar_id, link.remote_id or link.key)
        headers = {"If-Match": link.version} if link.version else {}
        response = self.api.send("DELETE", url, entity="event", params=WRITE, headers=headers)
        if response.status_code == 412:  # edited there meanwhile: it is still ours to remove
            response = self.api.send("DELETE", url, entity="event", params=WRITE)
        if response.status_code not in (200, 204, 404, 410):
            raise UnexpectedResponse("an event delete", response)

    def existing(self, calendar_id: str) -> dict[str, str]:
        params = {"privateExtendedProperty": f"{shapes.TAG}=1", "maxResults": PAGE_SIZE}
        url = self.api.url("calendars", calendar_id, "events")
        return {item["id"]: str(item.get("etag", "")) for item in self._pages(url, params, "event")}

    def _pages(self, url: str, params: dict[str, str], entity: str) -> Iterator[dict[str, Any]]:
        page = ""
        while True:
            response = self.api.send(
                "GET",
                url,
                entity=entity,
                params={**params, **({"pageToken": page} if page else {})},
            )
            if response.status_code == 404:
                raise CalendarGone(
                    "The calendar Patchbay writes to was deleted in Google Calendar."
                )
            if response.status_code != 200:
                raise UnexpectedResponse(f"listing {entity}s", response)
            body = response.json()
            yield from body.get("items", [])
            page = body.get("nextPageToken", "")
            if not page:
                return

    # --- busy time ---------------------------------------------------------------------

    def read_busy(self, cursor: ReadCursor, own_ids: Mapping[str, str]) -> BusyRead:
        if cursor.cursor:
            read = self._read(cursor, own_ids, cursor.cursor)
            if read is not None:
                return read
        read = self._read(cursor, own_ids, "")
        assert read is not None  # noqa: S101 - a full read never expires
        read.full = True
        return read

    def _read(self, cursor: ReadCursor, own_ids: Mapping[str, str], token: str) -> BusyRead | None:
        """One incremental (or, without a token, full) read over every page; None when
        Google says the token expired (410 fullSyncRequired)."""
        url = self.api.url("calendars", BUSY_CALENDAR, "events")
        params = {"singleEvents": "true", "maxResults": PAGE_SIZE}
        if token:
            params["syncToken"] = token
        elif cursor.window_start is not None:
            params["timeMin"] = _rfc3339(cursor.window_start)
        read, page = BusyRead(), ""
        while True:
            response = self.api.send(
                "GET",
                url,
                entity="busy",
                params={**params, **({"pageToken": page} if page else {})},
            )
            if response.status_code == 410 and token:
                return None
            if response.status_code == 404:
                raise ProviderError("Google Calendar has no primary calendar for this account.")
            if response.status_code != 200:
                raise UnexpectedResponse("an events read", response)
            body = response.json()
            for item in body.get("items", []):
                _sort(read, item, own_ids, cursor, body.get("timeZone", ""))
            page = body.get("nextPageToken", "")
            if not page:
                read.cursor = str(body.get("nextSyncToken", ""))
                return read

    # --- push channels -----------------------------------------------------------------

    def renew_watch(self, cursor: ReadCursor) -> None:
        old_id, old_resource = cursor.channel_id, cursor.channel_resource
        channel_id, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
        cache.set(pending_key(channel_id), secret, PENDING_SECONDS)
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": notification_url(),
            "token": secret,
            "params": {"ttl": str(WATCH_TTL_SECONDS)},
        }
        url = self.api.url("calendars", BUSY_CALENDAR, "events", "watch")
        response = self.api.send("POST", url, entity="channel", body=body)
        if response.status_code != 200:
            raise UnexpectedResponse("a watch request", response)
        made = response.json()
        cursor.channel_id, cursor.channel_resource = channel_id, str(made["resourceId"])
        cursor.channel_secret = secret
        cursor.channel_expires_at = dt.datetime.fromtimestamp(
            int(made["expiration"]) / 1000, dt.UTC
        )
        if old_id and old_resource:  # the channels overlapped; the old one goes now
            self._stop(old_id, old_resource)

    def stop_watch(self, cursor: ReadCursor) -> None:
        if cursor.channel_id and cursor.channel_resource:
            self._stop(cursor.channel_id, cursor.channel_resource)
        cursor.channel_id = cursor.channel_resource = cursor.channel_secret = ""
        cursor.channel_expires_at = None

    def _stop(self, channel_id: str, resource_id: str) -> None:
        body = {"id": channel_id, "resourceId": resource_id}
        response = self.api.send(
            "POST", self.api.url("channels", "stop"), entity="channel", body=body
        )
        if response.status_code not in (200, 204, 404):
            raise UnexpectedResponse("stopping a channel", response)


def notification_url() -> str:
    base = str(settings.GOOGLE_CALENDAR_PUSH_URL or settings.PUBLIC_BASE_URL).rstrip("/")
    return f"{base}{reverse('integrations:google-calendar-push')}"


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _sort(
    read: BusyRead, item: dict[str, Any], own: Mapping[str, str], cursor: ReadCursor, zone: str
) -> None:
    """Put one listed event where it belongs: one of Patchbay's (deleted: noted; else
    skipped, never busy), busy, or no longer busy."""
    event_id = str(item.get("id", ""))
    if not event_id:
        return
    if event_id in own or shapes.is_patchbay(item):
        if event_id in own and item.get("status") == "cancelled":
            read.deleted_events.append(event_id)
        elif own.get(event_id) and item.get("etag") not in (None, own[event_id]):
            read.edited_events.append(event_id)  # the user changed it: Patchbay puts it back
        return
    busy = shapes.busy_of(item, BUSY_CALENDAR, zone)
    if busy is None or not _in_window(busy.starts_at, busy.ends_at, cursor):
        read.gone.append(shapes.remote_key(BUSY_CALENDAR, event_id))
        return
    read.busy.append(busy)


def _in_window(start: dt.datetime, end: dt.datetime, cursor: ReadCursor) -> bool:
    # Incremental results are not windowed at Google: filter here.
    if cursor.window_start is not None and end <= cursor.window_start:
        return False
    return cursor.window_end is None or start < cursor.window_end
