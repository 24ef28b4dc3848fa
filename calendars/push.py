"""One push of a user's connection: make their calendar hold what the projection wants.

Every record's event has a link, written (and committed) with its key before the
provider is called, so a crash between the two is repaired by the next run with the
same key: the provider adopts the event it made instead of making a second. An event
is written when it is new or its content changed; an event no longer wanted is deleted.
The reconcile pass also asks the calendar what it holds and writes afresh what the user
deleted there (Patchbay is the source of its own events).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from calendars.adapter import CalendarAdapter
from calendars.errors import EventGone
from calendars.event import EventDraft
from calendars.models import CalendarTarget, EventLink
from calendars.projection import Scene, event_key, fingerprint, wanted
from integrations import runs
from integrations.errors import ProviderError, ProviderUnavailable
from integrations.models import Connection, SyncRun
from integrations.syncs import SYNCABLE_STATES

Ref = tuple[str, int]
PROGRESS_EVERY = 1.0  # seconds


class Disconnected(Exception):
    """The user disconnected while their push ran: nothing more is written."""


@contextmanager
def still_connected(connection_id: int) -> Iterator[None]:
    """Hold the connection row for one provider call. A disconnect waits for the call
    in flight and every later one sees it, so nothing is written after it commits, and
    the clean-up that follows it sees every event there is."""
    with transaction.atomic():
        live = Connection.objects.select_for_update().filter(
            pk=connection_id, state__in=SYNCABLE_STATES
        )
        if not live.exists():
            raise Disconnected(f"connection {connection_id} was disconnected")
        yield


@dataclass(frozen=True)
class Plan:
    write: list[tuple[EventLink, EventDraft]]
    remove: list[EventLink]
    unchanged: int


def _links(scene: Scene) -> dict[Ref, EventLink]:
    rows = EventLink.objects.filter(connection_id=scene.connection_id)
    return {(row.source, row.source_id): row for row in rows}


def _add_links(scene: Scene, drafts: dict[Ref, EventDraft], links: dict[Ref, EventLink]) -> None:
    """A link (with its key) for every wanted event that has none, in one statement, all
    committed before any provider call."""
    new = [
        EventLink(
            organisation=scene.organisation,
            connection_id=scene.connection_id,
            source=ref[0],
            source_id=ref[1],
            key=draft.uid,
        )
        for ref, draft in drafts.items()
        if ref not in links
    ]
    for link in EventLink.objects.bulk_create(new):
        links[(link.source, link.source_id)] = link


def plan(scene: Scene, present: dict[str, str] | None = None) -> Plan:
    """What to write and what to remove. With `present` (the reconcile pass: remote id ->
    version of what the calendar holds), an active event missing from it is written again."""
    links = _links(scene)
    drafts = wanted(scene, {ref: link.generation for ref, link in links.items()})
    write, unchanged = [], 0
    remove = [link for ref, link in links.items() if ref not in drafts]
    _add_links(scene, drafts, links)
    for ref, draft in drafts.items():
        link = links[ref]
        # The reconcile pass: deleted in the calendar, or changed there (another version).
        missing = present is not None and present.get(link.remote_id) != link.version
        current = link.state == EventLink.State.ACTIVE and link.fingerprint == fingerprint(draft)
        if current and not missing:
            unchanged += 1
            continue
        write.append((link, draft))
    return Plan(write, remove, unchanged)


def _afresh(scene: Scene, link: EventLink, draft: EventDraft) -> EventDraft:
    """The user deleted the event: a new generation, a new key, written as new."""
    link.generation += 1
    link.key = event_key(scene, link.source, link.source_id, link.generation)
    link.remote_id = link.version = ""
    link.save(update_fields=["generation", "key", "remote_id", "version"])
    return EventDraft(**{**draft.__dict__, "uid": link.key})


def _write(
    adapter: CalendarAdapter, scene: Scene, target: str, link: EventLink, draft: EventDraft
) -> None:
    try:
        written = adapter.put(target, draft, link)
    except EventGone:
        draft = _afresh(scene, link, draft)
        written = adapter.put(target, draft, link)
    link.remote_id, link.version = written.remote_id, written.version
    link.fingerprint = fingerprint(draft)
    link.state, link.last_error, link.pushed_at = EventLink.State.ACTIVE, "", timezone.now()
    link.save(
        update_fields=["remote_id", "version", "fingerprint", "state", "last_error", "pushed_at"]
    )


def _remove(adapter: CalendarAdapter, target: str, link: EventLink) -> None:
    if link.remote_id:
        link.state = EventLink.State.DELETING
        link.save(update_fields=["state"])
        adapter.delete(target, link)
    link.delete()


class Progress:
    """The run's done count (and lease), saved at most every PROGRESS_EVERY seconds
    rather than after every event: the card polls every few seconds anyway."""

    def __init__(self, run: SyncRun) -> None:
        self.run, self.unsaved, self.saved_at = run, 0, time.monotonic()

    def one(self) -> None:
        self.unsaved += 1
        if time.monotonic() - self.saved_at >= PROGRESS_EVERY:
            self.save()

    def save(self) -> None:
        if self.unsaved:
            runs.bump_done(self.run, self.unsaved)
        self.unsaved, self.saved_at = 0, time.monotonic()


def push(
    adapter: CalendarAdapter, scene: Scene, target: CalendarTarget, run: SyncRun, reconcile: bool
) -> None:
    present = adapter.existing(target.remote_id) if reconcile else None
    todo = plan(scene, present)
    runs.progress(run, phase="writing events", done=0, total=len(todo.write) + len(todo.remove))
    runs.count(run, "unchanged", todo.unchanged)
    progress = Progress(run)
    try:
        _write_all(adapter, scene, target, run, todo, progress)
    finally:
        progress.save()


def _write_all(
    adapter: CalendarAdapter,
    scene: Scene,
    target: CalendarTarget,
    run: SyncRun,
    todo: Plan,
    progress: Progress,
) -> None:
    for link, draft in todo.write:
        try:
            with still_connected(scene.connection_id):
                _write(adapter, scene, target.remote_id, link, draft)
            runs.count(run, "written")
        except ProviderError as error:
            _failed(run, link, error)
        progress.one()
    for link in todo.remove:
        try:
            with still_connected(scene.connection_id):
                _remove(adapter, target.remote_id, link)
            runs.count(run, "removed")
        except ProviderError as error:
            _failed(run, link, error)
        progress.one()


def _failed(run: SyncRun, link: EventLink, error: ProviderError) -> None:
    if isinstance(error, ProviderUnavailable):  # a limit or an outage: the next run goes on
        raise error
    link.state, link.last_error = EventLink.State.ERROR, error.message[:500]
    link.save(update_fields=["state", "last_error"])
    runs.error(
        run, f"Event for {link.get_source_display().lower()} {link.source_id}: {error.message}"
    )
