"""Writing Patchbay's events into one calendar: PUT, conditional on ETags, and DELETE.

Each event lives at ``<calendar>/<uid>.ics``, so a retried or crashed create finds
its earlier self instead of adding a second event:

* create: PUT with ``If-None-Match: *``; 412 means it exists, so read its ETag and
  update it instead;
* update: PUT with ``If-Match: <etag>``; 412 means it changed (or went), so read
  the ETag again and write once more; a second 412 in a row is an EditConflict;
* ``If-Match: *`` is never sent: iCloud applies it backwards;
* a 2xx without a usable (strong) ETag is followed by a PROPFIND for it;
* delete: DELETE with ``If-Match``; 404 means already gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import requests

from calendars.event import EventDraft
from calendars.providers.icloud import davxml
from calendars.providers.icloud.errors import (
    CalendarGone,
    EditConflict,
    UidConflict,
    UnexpectedResponse,
)
from calendars.providers.icloud.ical import to_ical
from calendars.providers.icloud.transport import XML, Transport

ICS = "text/calendar; charset=utf-8"
SUFFIX = ".ics"
# create -> 412 -> update, or update -> 412 -> re-read -> update (or create if gone).
PUT_ATTEMPTS = 3
DELETE_ATTEMPTS = 2


@dataclass(frozen=True)
class StoredEvent:
    """Where an event now is and its version: what Patchbay keeps for the next write."""

    uid: str
    href: str
    etag: str


def event_url(calendar_url: str, uid: str) -> str:
    return urljoin(calendar_url, uid + SUFFIX)  # the uid is href-safe (EventDraft)


def put_event(
    transport: Transport, calendar_url: str, draft: EventDraft, etag: str | None = None
) -> StoredEvent:
    """Create or update ``draft``; ``etag`` is the version Patchbay last stored, if any."""
    url = event_url(calendar_url, draft.uid)
    body = to_ical(draft).encode()
    for _ in range(PUT_ATTEMPTS):
        response = transport.request("PUT", url, headers=_put_headers(etag), body=body)
        if response.status_code != 412:
            _check_put(transport, calendar_url, response)
            return StoredEvent(draft.uid, url, _etag_after_put(transport, url, response))
        etag = current_etag(transport, url)  # None: gone meanwhile, so create next
    raise EditConflict(f"the event {draft.uid} kept changing while Patchbay wrote it")


def delete_event(
    transport: Transport, calendar_url: str, uid: str, etag: str | None = None
) -> None:
    """Remove the event; an event (or calendar) already gone counts as removed."""
    url = event_url(calendar_url, uid)
    for _ in range(DELETE_ATTEMPTS):
        headers = {"If-Match": etag} if etag else {}
        response = transport.request("DELETE", url, headers=headers)
        if response.status_code in (200, 202, 204, 404):
            return
        if response.status_code != 412:
            raise UnexpectedResponse(f"DELETE answered {response.status_code}")
        etag = current_etag(transport, url)
        if etag is None:
            return
    raise EditConflict(f"the event {uid} kept changing while Patchbay removed it")


def current_etag(transport: Transport, url: str) -> str | None:
    """The resource's ETag now, or None when it does not exist."""
    response = _propfind(transport, url, 0)
    if response.status_code == 404:
        return None
    for member in _members(response):
        if member.text(davxml.GETETAG):
            return member.text(davxml.GETETAG)
    raise UnexpectedResponse(f"iCloud gave no ETag for {url}")


@dataclass(frozen=True)
class RemoteEvent:
    uid: str
    url: str
    etag: str


def list_events(transport: Transport, calendar_url: str) -> dict[str, RemoteEvent]:
    """Every ``<uid>.ics`` in the calendar with its ETag, by uid (one PROPFIND)."""
    response = _propfind(transport, calendar_url, 1)
    if response.status_code == 404:
        raise CalendarGone(calendar_url)
    found: dict[str, RemoteEvent] = {}
    for member in _members(response):
        name = unquote(urlsplit(member.href).path.rstrip("/").rsplit("/", 1)[-1])
        # iCloud lists the collection itself among its members: skip collections.
        if member.is_collection() or not name.endswith(SUFFIX) or member.status == 404:
            continue
        uid = name.removesuffix(SUFFIX)
        url = transport.policy.check(urljoin(calendar_url, member.href))
        found[uid] = RemoteEvent(uid, url, member.text(davxml.GETETAG))
    return found


def _put_headers(etag: str | None) -> dict[str, str]:
    condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    return {"Content-Type": ICS, **condition}


def _check_put(transport: Transport, calendar_url: str, response: requests.Response) -> None:
    status = response.status_code
    if status in (200, 201, 204):
        return
    if status in (404, 409) and _calendar_missing(transport, calendar_url):
        raise CalendarGone(calendar_url)
    if status == 409 and b"no-uid-conflict" in response.content:
        raise UidConflict("the calendar holds this event's UID under another name")
    raise UnexpectedResponse(f"PUT answered {status}: {response.text[:200]}")


def _etag_after_put(transport: Transport, url: str, response: requests.Response) -> str:
    etag = response.headers.get("ETag", "")
    if etag and not etag.startswith("W/"):
        return etag
    # No strong ETag: the server changed what it stored (RFC 4791 §5.3.4), or iCloud
    # left it out. Ask for the real one before anything conditional is sent.
    fresh = current_etag(transport, url)
    if fresh is None:
        raise UnexpectedResponse(f"the event at {url} vanished right after it was written")
    return fresh


def _calendar_missing(transport: Transport, calendar_url: str) -> bool:
    return _propfind(transport, calendar_url, 0).status_code == 404


def _propfind(transport: Transport, url: str, depth: int) -> requests.Response:
    return transport.request(
        "PROPFIND",
        url,
        headers={"Depth": str(depth), "Content-Type": XML},
        body=davxml.propfind(davxml.GETETAG, davxml.RESOURCETYPE),
    )


def _members(response: requests.Response) -> list[davxml.DavResponse]:
    if response.status_code != 207:
        raise UnexpectedResponse(f"PROPFIND answered {response.status_code}, not 207")
    return davxml.multistatus(response.content)
