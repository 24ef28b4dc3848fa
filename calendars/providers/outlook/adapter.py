"""Outlook as the push engine sees it: Graph calls for one user's mailbox.

Creates carry the link key as `transactionId` and as an extended property; a create
whose answer was lost is retried after looking the key up, so it never makes a second
event. Updates carry If-Match with the stored changeKey; Patchbay is the source of its
own events, so an event the user edited meanwhile (412) is read afresh and overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from calendars.adapter import BusyRead, CalendarAdapter, RemoteCalendar, Written
from calendars.errors import CalendarGone, EventGone
from calendars.event import EventDraft
from calendars.models import EventLink, ReadCursor
from calendars.providers.outlook import busy, events
from calendars.providers.outlook.client import Graph, error_code, own_url
from integrations.errors import ProviderError, ProviderUnavailable
from integrations.models import Connection, SyncRun

PAGE_SIZE = 50
MAX_PAGES = 200
# Outlook event subscriptions: at most 4,230 minutes (the documented figure; newer
# sources say 10,080). Graph answers with the expiry it granted, which is kept.
# https://learn.microsoft.com/graph/api/resources/subscription
SUBSCRIPTION_MINUTES = 4_200
# Delta codes that mean "start over" (compared case-insensitively):
# https://learn.microsoft.com/graph/delta-query-overview , https://learn.microsoft.com/graph/errors
RESYNC_CODES = frozenset({"syncstatenotfound", "resyncrequired", "syncstateinvalid"})
DEFAULT_WINDOW = (dt.timedelta(days=1), dt.timedelta(days=180))
PENDING_SECONDS = 120  # a new subscription's notifications may come before it is saved


def pending_key(client_state: str) -> str:
    """Where a new subscription's clientState waits (by its digest: the cache does not
    hold the secret) until the subscription is saved, naming its connection."""
    digest = hashlib.sha256(client_state.encode()).hexdigest()
    return f"calendars:outlook:pending-subscription:{digest}"


class OutlookAdapter(CalendarAdapter):
    two_way = True

    def __init__(self, connection: Connection, run: SyncRun | None = None) -> None:
        self.connection = connection
        self.graph = Graph(connection, run)
        # Keys whose create failed without an answer in this run (it may have landed):
        # a create tried again looks them up first (what Graph answers a repeated
        # transactionId is not documented).
        self._unsure: set[str] = set()

    # --- calendars ----------------------------------------------------------------

    def calendars(self) -> list[RemoteCalendar]:
        found = []
        for item in self._pages("me/calendars", entity="calendar"):
            found.append(
                RemoteCalendar(
                    remote_id=str(item["id"]),
                    name=str(item.get("name", "")),
                    primary=bool(item.get("isDefaultCalendar")),
                    writable=bool(item.get("canEdit", True)),
                )
            )
        return found

    def create_calendar(self, name: str) -> RemoteCalendar:
        response = self.graph.send("POST", "me/calendars", entity="calendar", body={"name": name})
        if response.status_code == 409:  # ErrorFolderExists: adopt the calendar of that name
            same = [c for c in self.calendars() if c.name == name]
            if same:
                return same[0]
        self._expect(response, 201, "create the calendar")
        item = response.json()
        return RemoteCalendar(str(item["id"]), str(item.get("name", name)))

    # --- events -------------------------------------------------------------------

    def put(self, calendar_id: str, draft: EventDraft, link: EventLink) -> Written:
        if link.remote_id:
            return self._update(link.remote_id, draft, link.version)
        return self._create(calendar_id, draft)

    def _create(self, calendar_id: str, draft: EventDraft) -> Written:
        if draft.uid in self._unsure:  # an earlier try failed unanswered: it may exist
            adopted = self._find(calendar_id, draft.uid)
            if adopted is not None:
                return adopted
        try:
            return self._post(calendar_id, draft)
        except ProviderUnavailable:
            self._unsure.add(draft.uid)  # the push may try it again: look first then
            raise

    def _post(self, calendar_id: str, draft: EventDraft) -> Written:
        path = f"me/calendars/{calendar_id}/events"
        try:
            response = self.graph.send("POST", path, entity="event", body=events.new_event(draft))
        except ProviderUnavailable:
            # The answer was lost (timeout, 5xx): the event may exist. Find it by its key
            # before trying again, with the same transactionId.
            adopted = self._find(calendar_id, draft.uid)
            if adopted is not None:
                return adopted
            response = self.graph.send("POST", path, entity="event", body=events.new_event(draft))
        if response.status_code == 404:
            raise CalendarGone("The calendar Patchbay writes to was deleted in Outlook.")
        self._expect(response, 201, "create the event")
        return self._written(response.json())

    def _find(self, calendar_id: str, key: str) -> Written | None:
        params = {"$filter": events.by_key_filter(key), "$select": "id,changeKey"}
        response = self.graph.send(
            "GET", f"me/calendars/{calendar_id}/events", entity="event", params=params
        )
        if response.status_code == 404:
            raise CalendarGone("The calendar Patchbay writes to was deleted in Outlook.")
        self._expect(response, 200, "look the event up")
        found = response.json().get("value") or []
        return self._written(found[0]) if found else None

    def _update(self, event_id: str, draft: EventDraft, version: str) -> Written:
        response = self._patch(event_id, draft, version)
        if response.status_code == 412:
            # Edited in Outlook since Patchbay wrote it: Patchbay's version wins.
            current = self.graph.send("GET", f"me/events/{event_id}", entity="event")
            if current.status_code in (404, 410):
                raise EventGone("The event was deleted in Outlook.")
            self._expect(current, 200, "read the event")
            response = self._patch(event_id, draft, str(current.json().get("changeKey", "")))
        if response.status_code in (404, 410):
            raise EventGone("The event was deleted in Outlook.")
        self._expect(response, 200, "update the event")
        return self._written(response.json(), event_id)

    def _patch(self, event_id: str, draft: EventDraft, version: str) -> Any:
        headers = {"If-Match": f'W/"{version}"'} if version else {}
        return self.graph.send(
            "PATCH",
            f"me/events/{event_id}",
            entity="event",
            body=events.content(draft),
            headers=headers,
        )

    def _written(self, item: dict[str, Any], event_id: str = "") -> Written:
        remote_id = str(item.get("id") or event_id)
        version = str(item.get("changeKey") or "")
        if not version:  # an answer without a changeKey: read it, or update without one
            current = self.graph.send("GET", f"me/events/{remote_id}", entity="event")
            version = str(current.json().get("changeKey", "")) if current.status_code == 200 else ""
        return Written(remote_id, version)

    def delete(self, calendar_id: str, link: EventLink) -> None:
        if not link.remote_id:
            return
        response = self.graph.send("DELETE", f"me/events/{link.remote_id}", entity="event")
        if response.status_code in (204, 200, 404, 410):  # already gone counts as removed
            return
        self._expect(response, 204, "delete the event")

    def existing(self, calendar_id: str) -> dict[str, str]:
        params = {"$select": "id,changeKey", "$expand": events.expand_tag(), "$top": "100"}
        present = {}
        for item in self._pages(
            f"me/calendars/{calendar_id}/events", entity="event", params=params
        ):
            if events.tagged(item):
                present[str(item["id"])] = str(item.get("changeKey", ""))
        return present

    # --- busy time ----------------------------------------------------------------

    def read_busy(self, cursor: ReadCursor, own_ids: Mapping[str, str]) -> BusyRead:
        window = self._window(cursor)
        start = cursor.cursor or self._initial(window)
        read = self._round(start, own_ids, window)
        if read is None:  # the delta token expired: read everything again
            read = self._round(self._initial(window), own_ids, window)
            if read is None:
                raise ProviderError("Outlook refused a fresh delta round.")
            read.full = True
        return read

    def _window(self, cursor: ReadCursor) -> tuple[dt.datetime, dt.datetime]:
        now = timezone.now()
        start = cursor.window_start or now - DEFAULT_WINDOW[0]
        end = cursor.window_end or now + DEFAULT_WINDOW[1]
        return start, end

    def _initial(self, window: tuple[dt.datetime, dt.datetime]) -> str:
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        start = window[0].astimezone(dt.UTC).strftime(stamp)
        end = window[1].astimezone(dt.UTC).strftime(stamp)
        return f"me/calendarView/delta?startDateTime={start}&endDateTime={end}"

    def _round(
        self, start: str, own_ids: Mapping[str, str], window: tuple[dt.datetime, dt.datetime]
    ) -> BusyRead | None:
        """One round: every nextLink until the deltaLink. None when Graph says the token
        is no longer valid (410, or a 4xx with a resync code)."""
        read = BusyRead()
        link = start
        headers = {"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
        for _ in range(MAX_PAGES):
            target = own_url(link) if link.startswith("http") else link
            response = self.graph.send("GET", target, entity="busy", headers=dict(headers))
            if response.status_code == 410 or (
                400 <= response.status_code < 500
                and (
                    error_code(response).lower() in RESYNC_CODES
                    or "badly formed token" in response.text.lower()
                )
            ):
                return None
            self._expect(response, 200, "read the calendar's changes")
            page = response.json()
            busy.apply(read, list(page.get("value") or []), own_ids, window)
            if page.get("@odata.deltaLink"):
                read.cursor = own_url(str(page["@odata.deltaLink"]))
                return read
            link = str(page.get("@odata.nextLink") or "")
            if not link:
                raise ProviderError("Outlook ended a delta round without a deltaLink.")
        raise ProviderError(f"Outlook's delta round ran past {MAX_PAGES} pages.")

    # --- change notifications -----------------------------------------------------

    def renew_watch(self, cursor: ReadCursor) -> None:
        expiry = (timezone.now() + dt.timedelta(minutes=SUBSCRIPTION_MINUTES)).astimezone(dt.UTC)
        stamp = expiry.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
        if cursor.channel_id:
            response = self.graph.send(
                "PATCH",
                f"subscriptions/{cursor.channel_id}",
                entity="subscription",
                body={"expirationDateTime": stamp},
            )
            if response.status_code == 200:
                self._keep_expiry(cursor, response.json())
                return
            if response.status_code != 404:
                self._expect(response, 200, "renew the subscription")
        self._subscribe(cursor, stamp)

    def _subscribe(self, cursor: ReadCursor, stamp: str) -> None:
        secret = secrets.token_urlsafe(48)  # clientState: at most 128 characters
        # Graph may notify before the POST answers and the subscription is saved.
        cache.set(pending_key(secret), self.connection.pk, PENDING_SECONDS)
        base = str(settings.PUBLIC_BASE_URL).rstrip("/")
        body = {
            "changeType": "created,updated,deleted",
            "notificationUrl": base + reverse("integrations:outlook-notifications"),
            "lifecycleNotificationUrl": base + reverse("integrations:outlook-lifecycle"),
            # The documented resource for a mailbox's events (covers every calendar).
            "resource": "me/events",
            "expirationDateTime": stamp,
            "clientState": secret,
        }
        response = self.graph.send("POST", "subscriptions", entity="subscription", body=body)
        self._expect(response, 201, "subscribe to changes")
        made = response.json()
        cursor.channel_id = str(made["id"])
        cursor.channel_resource = str(made.get("resource", body["resource"]))
        cursor.channel_secret = secret
        self._keep_expiry(cursor, made)

    def _keep_expiry(self, cursor: ReadCursor, body: dict[str, Any]) -> None:
        text = str(body.get("expirationDateTime", "")).replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text[:19] + "+00:00")
        except ValueError:
            moment = timezone.now() + dt.timedelta(hours=1)
        cursor.channel_expires_at = moment

    def stop_watch(self, cursor: ReadCursor) -> None:
        if cursor.channel_id:
            response = self.graph.send(
                "DELETE", f"subscriptions/{cursor.channel_id}", entity="subscription"
            )
            if response.status_code not in (204, 404):
                self._expect(response, 204, "remove the subscription")
        cursor.channel_id = cursor.channel_resource = cursor.channel_secret = ""
        cursor.channel_expires_at = None

    # --- helpers ------------------------------------------------------------------

    def _pages(
        self, path: str, *, entity: str, params: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        target, query = path, params
        for _ in range(MAX_PAGES):
            response = self.graph.send("GET", target, entity=entity, params=query)
            if response.status_code == 404:
                raise CalendarGone("The calendar Patchbay writes to was deleted in Outlook.")
            self._expect(response, 200, f"list {entity}s")
            page = response.json()
            rows += list(page.get("value") or [])
            next_link = page.get("@odata.nextLink")
            if not next_link:
                return rows
            target, query = own_url(str(next_link)), None
        raise ProviderError(f"Outlook listed more than {MAX_PAGES} pages of {entity}s.")

    @staticmethod
    def _expect(response: Any, status: int, doing: str) -> None:
        if response.status_code != status:
            code = error_code(response)
            raise ProviderError(
                f"Outlook could not {doing} ({response.status_code}{' ' + code if code else ''})."
            )
