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
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial

from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.utils import timezone

from calendars.adapter import CalendarAdapter
from calendars.errors import EventGone
from calendars.event import EventDraft
from calendars.models import CalendarTarget, EventLink
from calendars.projection import Scene, event_key, fingerprint, wanted
from integrations import audit, runs, tokens
from integrations.errors import Outage, ProviderError, ProviderUnavailable
from integrations.models import Connection, SyncRun
from integrations.retry import Backoff, RetryPolicy
from integrations.schedule import SYNCABLE_STATES

Ref = tuple[str, int]
# A group of events is written under one hold of the connection row (one transaction):
# at most this many, and no new one started after this long, so that a disconnect waits
# for at most one group's calls. (Each group costs three round trips to PostgreSQL and a
# commit; a second's calls share them. A disconnect's worst wait is a call's timeout.)
GROUP_EVENTS = 50
GROUP_SECONDS = 1.0
# A step that met an outage is tried again after these waits before the outage ends the
# run. Safe to repeat: the event's key makes a write that landed anyway be adopted (Google
# 409, Graph's transactionId, CalDAV's If-None-Match), and a delete of what is gone is
# done. The group holds the connection's row meanwhile: a disconnect waits 1.5 s more.
OUTAGE_RETRIES = RetryPolicy(Backoff.scheduled((0.5, 1.0)))
WRITTEN_FIELDS = ["remote_id", "version", "fingerprint", "state", "last_error", "pushed_at"]


class Disconnected(Exception):
    """The user disconnected while their push ran: nothing more is written."""


@contextmanager
def still_connected(connection: Connection, group: GroupWrites) -> Iterator[None]:
    """Hold the connection row for a group of provider calls. A disconnect waits for the
    group in flight and every later group sees it, so nothing is written after it
    commits, and the clean-up that follows it sees every event there is. The row's
    health fields, read under the lock, stand for the group (no re-read per call). At
    its end, what the group wrote (its links, its run's progress), its calls' audit rows
    and the commit go to the database together, in one round trip."""
    with ExitStack() as after_commit, transaction.atomic():
        health = (
            Connection.objects.select_for_update()
            .filter(pk=connection.pk, state__in=SYNCABLE_STATES)
            .values(*tokens.HEALTH_FIELDS)
            .first()
        )
        if health is None:
            raise Disconnected(f"connection {connection.pk} was disconnected")
        for name, value in health.items():
            setattr(connection, name, value)
        with tokens.row_held(connection), audit.collected() as entries:
            yield
        # Ended by the ExitStack, after the commit: the commit travels with these.
        after_commit.enter_context(_one_round_trip())
        _save_written(group.links)
        audit.insert_all(entries)
        _save_progress(group.run, group.done)


@contextmanager
def _one_round_trip() -> Iterator[None]:
    """Statements sent inside wait for no answer until the block ends (or one of them
    is read): psycopg's pipeline mode, one round trip for the lot. Without it (SQLite,
    make run's embedded mode) they go one by one."""
    db_connection.ensure_connection()
    pipeline = getattr(db_connection.connection, "pipeline", None)
    if db_connection.vendor != "postgresql" or pipeline is None:
        yield
        return
    with pipeline():
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
    """Write the event and set the link to what was written; its group saves the link."""
    try:
        written = adapter.put(target, draft, link)
    except EventGone:
        draft = _afresh(scene, link, draft)
        written = adapter.put(target, draft, link)
    link.remote_id, link.version = written.remote_id, written.version
    link.fingerprint = fingerprint(draft)
    link.state, link.last_error, link.pushed_at = EventLink.State.ACTIVE, "", timezone.now()


def _remove(adapter: CalendarAdapter, target: str, link: EventLink) -> None:
    if link.remote_id:
        link.state = EventLink.State.DELETING
        link.save(update_fields=["state"])
        adapter.delete(target, link)
    link.delete()


@dataclass
class GroupWrites:
    """What a group saves at its end, with its calls' audit rows and the commit."""

    run: SyncRun
    links: list[EventLink] = field(default_factory=list)  # written: their new versions
    done: int = 0  # steps done, for the run's progress


@dataclass(frozen=True)
class Step:
    """One event to write or remove, and what the run counts when it is done."""

    link: EventLink
    do: Callable[[], None]
    outcome: str
    saves_link: bool  # a write: its link is saved with its group


def push(
    adapter: CalendarAdapter,
    connection: Connection,
    scene: Scene,
    target: CalendarTarget,
    run: SyncRun,
    reconcile: bool,
) -> None:
    present = adapter.existing(target.remote_id) if reconcile else None
    todo = plan(scene, present)
    runs.progress(run, phase="writing events", done=0, total=len(todo.write) + len(todo.remove))
    runs.count(run, "unchanged", todo.unchanged)
    steps = _steps(adapter, scene, target.remote_id, todo)
    done = 0
    while done < len(steps):
        done += _group(connection, run, steps[done:])


def _steps(adapter: CalendarAdapter, scene: Scene, target: str, todo: Plan) -> list[Step]:
    writes = [
        Step(link, partial(_write, adapter, scene, target, link, draft), "written", True)
        for link, draft in todo.write
    ]
    removals = [
        Step(link, partial(_remove, adapter, target, link), "removed", False)
        for link in todo.remove
    ]
    return writes + removals


def _group(connection: Connection, run: SyncRun, steps: list[Step]) -> int:
    """The first steps, as many as fit in one group, under one hold of the connection
    row; how many were taken. What the group wrote commits together, and so does a step
    that ends the run (an outage, a limit): the steps before it keep their links and
    audit rows, and the failure is raised after the commit. A database error rolls the
    group back: the links' keys, committed before any call, make the next run adopt
    what its calls made."""
    group = GroupWrites(run)
    failure: Exception | None = None
    taken, deadline = 0, time.monotonic() + GROUP_SECONDS
    with still_connected(connection, group):
        for step in steps[:GROUP_EVENTS]:
            if taken and time.monotonic() >= deadline:
                break
            taken += 1
            failure = _take(run, step, group.links)
            if failure is not None:
                break
            group.done += 1
    if failure is not None:
        raise failure
    return taken


def _save_written(links: list[EventLink]) -> None:
    """The group's written links, in one executemany (bulk_update's CASE per field and
    link costs more Python than the statements it saves: about 2 ms an event)."""
    if not links:
        return
    quote = db_connection.ops.quote_name
    sets = ", ".join(f"{quote(name)} = %s" for name in WRITTEN_FIELDS)  # columns as named
    sql = f"UPDATE {quote(EventLink._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608 - names from the model
    rows = [[getattr(link, name) for name in WRITTEN_FIELDS] + [link.pk] for link in links]
    with db_connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _save_progress(run: SyncRun, n: int) -> None:
    """The run's done count, counts and lease, saved with its group (a statement of the
    group's round trip, whose answer nobody waits for; the card polls every few
    seconds), as runs.bump_done would save them."""
    run.done += n
    run.lease_expires_at = timezone.now() + runs.lease()
    quote = db_connection.ops.quote_name
    counts = SyncRun._meta.get_field("counts").get_db_prep_save(run.counts, db_connection)
    sql = (
        f"UPDATE {quote(SyncRun._meta.db_table)} SET {quote('done')} = {quote('done')} + %s, "  # noqa: S608 - names from the model
        f"{quote('counts')} = %s, {quote('lease_expires_at')} = %s WHERE {quote('id')} = %s"
    )
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [n, counts, run.lease_expires_at, run.pk])


def _take(run: SyncRun, step: Step, written: list[EventLink]) -> Exception | None:
    """Do one step; the exception that ends the run, if it raised one. An outage (a
    5xx, the network) is tried again soon, OUTAGE_RETRIES allowing, before it does."""
    failures = 0
    while True:
        try:
            step.do()
        except Outage as error:
            failures += 1
            wait = OUTAGE_RETRIES.next_wait(failures)
            if wait is None:
                return error  # still down: the next run goes on
            time.sleep(wait)
            continue
        except ProviderUnavailable as error:  # a limit, already waited for: the next run
            return error
        except ProviderError as error:
            _failed(run, step.link, error)
            return None
        except DatabaseError:
            raise  # the transaction is lost: nothing of the group can be kept
        except Exception as error:  # raised again once the group is committed
            return error
        break
    if step.saves_link:
        written.append(step.link)
    runs.count(run, step.outcome)
    return None


def _failed(run: SyncRun, link: EventLink, error: ProviderError) -> None:
    link.state, link.last_error = EventLink.State.ERROR, error.message[:500]
    link.save(update_fields=["state", "last_error"])
    runs.error(
        run, f"Event for {link.get_source_display().lower()} {link.source_id}: {error.message}"
    )
