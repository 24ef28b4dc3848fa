"""iCloud as the push engine sees it: CalDAV calls with the user's app-specific password.

One way only: nothing is read back into Patchbay (no busy time), but the reconcile pass
lists the calendar so that an event the user deleted is put back.
"""

from __future__ import annotations

from functools import cached_property

from django.utils.text import slugify

from calendars.adapter import CalendarAdapter, RemoteCalendar, Written
from calendars.event import EventDraft
from calendars.models import EventLink
from calendars.providers.icloud import discovery, events
from calendars.providers.icloud.transport import Credentials, Transport, Witness
from integrations.audit import record_exchange
from integrations.models import AppPassword, Connection, SyncRun


def transport_for(
    password: AppPassword, connection: Connection | None = None, run: SyncRun | None = None
) -> Transport:
    """The account's transport; with a connection, every exchange lands in its audit."""
    witness = _auditor(connection, run) if connection is not None else None
    return Transport(Credentials(password.username, password.password), witness=witness)


def _auditor(connection: Connection, run: SyncRun | None) -> Witness:
    def witness(method: str, url: str, status: int | None, ms: int, body: bytes | None) -> None:
        event = url.endswith(".ics")
        sent = body.decode(errors="replace") if body and method == "PUT" else ""
        record_exchange(
            connection,
            method=method,
            url=url,
            status_code=status,
            duration_ms=ms,
            entity="event" if event else "calendar",
            direction="pull" if method in ("PROPFIND", "REPORT", "GET") else "push",
            request_body=sent,
            run=run,
        )

    return witness


class ICloudAdapter(CalendarAdapter):
    two_way = False

    def __init__(self, connection: Connection, run: SyncRun | None = None) -> None:
        if connection.app_password is None:
            raise LookupError(f"Connection {connection.pk} has no iCloud password.")
        self.transport = transport_for(connection.app_password, connection, run)

    @cached_property
    def home(self) -> discovery.Home:
        return discovery.discover(self.transport)

    def calendars(self) -> list[RemoteCalendar]:
        found = discovery.list_calendars(self.transport, self.home)
        return [RemoteCalendar(calendar.url, calendar.display_name) for calendar in found]

    def create_calendar(self, name: str) -> RemoteCalendar:
        slug = slugify(name) or "patchbay"
        made = discovery.make_calendar(self.transport, self.home, display_name=name, slug=slug)
        return RemoteCalendar(made.url, made.display_name)

    def put(self, calendar_id: str, draft: EventDraft, link: EventLink) -> Written:
        # A deleted event is simply made again at the same href: CalDAV lets a uid return.
        stored = events.put_event(self.transport, calendar_id, draft, link.version or None)
        return Written(stored.href, stored.etag)

    def delete(self, calendar_id: str, link: EventLink) -> None:
        events.delete_event(self.transport, calendar_id, link.key, link.version or None)

    def existing(self, calendar_id: str) -> dict[str, str]:
        listed = events.list_events(self.transport, calendar_id)
        return {event.url: event.etag for event in listed.values()}
