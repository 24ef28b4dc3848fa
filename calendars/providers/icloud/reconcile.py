"""The reconcile pass: make one calendar hold exactly the events Patchbay wants.

``plan`` is pure: from what Patchbay wants, what it last pushed (its EventLinks)
and what the calendar holds now (one PROPFIND), it decides the writes.

* wanted, not in the calendar: create. That includes an event the user deleted in
  iCloud: Patchbay is the source of its events, so the daily reconcile puts it back
  (issue 13, item 5).
* wanted and there: update when the fields changed since the last push, when the
  ETag differs from the stored one (edited in iCloud: overwritten), or when Patchbay
  has no record of it (a crash after the PUT: adopted, never duplicated).
* pushed earlier, no longer wanted, still there: delete.
* anything else in the calendar is the user's own and is never touched.

``apply`` performs a plan and yields each outcome as it lands, so the caller can
store every new ETag even if a later write fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from calendars.event import EventDraft
from calendars.providers.icloud.events import (
    RemoteEvent,
    StoredEvent,
    delete_event,
    list_events,
    put_event,
)
from calendars.providers.icloud.ical import fingerprint
from calendars.providers.icloud.transport import Transport


@dataclass(frozen=True)
class Pushed:
    """What Patchbay recorded after its last write of an event."""

    uid: str
    etag: str
    fingerprint: str


@dataclass(frozen=True)
class Create:
    draft: EventDraft


@dataclass(frozen=True)
class Update:
    draft: EventDraft
    etag: str


@dataclass(frozen=True)
class Delete:
    uid: str
    etag: str


@dataclass(frozen=True)
class Plan:
    creates: tuple[Create, ...] = ()
    updates: tuple[Update, ...] = ()
    deletes: tuple[Delete, ...] = ()

    @property
    def writes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.deletes)


@dataclass(frozen=True)
class Written:
    stored: StoredEvent
    fingerprint: str


@dataclass(frozen=True)
class Deleted:
    uid: str


def plan(
    wanted: Iterable[EventDraft],
    pushed: Mapping[str, Pushed],
    present: Mapping[str, RemoteEvent],
) -> Plan:
    drafts = _by_uid(wanted)
    creates, updates = [], []
    for uid, draft in drafts.items():
        there = present.get(uid)
        if there is None:
            creates.append(Create(draft))
        elif _stale(draft, pushed.get(uid), there):
            updates.append(Update(draft, there.etag))
    deletes = [
        Delete(uid, present[uid].etag) for uid in pushed if uid not in drafts and uid in present
    ]
    return Plan(tuple(creates), tuple(updates), tuple(deletes))


def apply(transport: Transport, calendar_url: str, todo: Plan) -> Iterator[Written | Deleted]:
    for create in todo.creates:
        stored = put_event(transport, calendar_url, create.draft)
        yield Written(stored, fingerprint(create.draft))
    for update in todo.updates:
        stored = put_event(transport, calendar_url, update.draft, update.etag)
        yield Written(stored, fingerprint(update.draft))
    for delete in todo.deletes:
        delete_event(transport, calendar_url, delete.uid, delete.etag)
        yield Deleted(delete.uid)


def reconcile(
    transport: Transport,
    calendar_url: str,
    wanted: Iterable[EventDraft],
    pushed: Mapping[str, Pushed],
) -> Iterator[Written | Deleted]:
    """List the calendar, plan, and apply (CalendarGone if the calendar was deleted)."""
    todo = plan(wanted, pushed, list_events(transport, calendar_url))
    yield from apply(transport, calendar_url, todo)


def _by_uid(wanted: Iterable[EventDraft]) -> dict[str, EventDraft]:
    drafts: dict[str, EventDraft] = {}
    for draft in wanted:
        if draft.uid in drafts:
            raise ValueError(f"two wanted events share the uid {draft.uid}")
        drafts[draft.uid] = draft
    return drafts


def _stale(draft: EventDraft, last: Pushed | None, there: RemoteEvent) -> bool:
    return last is None or last.etag != there.etag or last.fingerprint != fingerprint(draft)
