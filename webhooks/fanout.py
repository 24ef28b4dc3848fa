"""Batched, concurrent delivery: claim many due deliveries at once, send them side by side.

One ``Pump`` per worker process. Its loop claims due deliveries from PostgreSQL in
one statement (``FOR UPDATE SKIP LOCKED``, so two workers never take the same
row), hands each to a pool of sender threads, and records whatever has finished
in bulk (``delivery.record``). It claims only as many as it has free senders, so
a claimed delivery starts at once and its lease covers one attempt, as in the
one-at-a-time path: a worker killed mid-batch leaves leases that run out, and the
sweeper wakes those deliveries again with the same ``webhook-id``.

Isolation: each endpoint may have at most ``WEBHOOKS_ENDPOINT_IN_FLIGHT``
deliveries in flight per process. An endpoint at its cap is left out of the next
claim entirely, so a receiver that takes 10 s to answer (or never answers) holds
a few senders, never the batch, and the other endpoints' deliveries keep flowing.
Results are recorded as they come, not when a batch is complete.

Deliveries are not ordered per endpoint (docs/api.md says so): they are claimed in
order of due time, but sent concurrently.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from webhooks import client, delivery
from webhooks.delivery import Claimed, Sent
from webhooks.models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# The claim walks endpoints, not the whole due queue. An endpoint at its cap (a slow
# receiver) can have thousands of overdue rows ahead of everyone else's in due order:
# a scan in that order read through all of them on every claim, which halved the
# throughput of the healthy endpoints. Instead: the endpoints with active deliveries,
# one index descent each (a recursive "skip scan" of delivery_due_by_endpoint), then
# for each endpoint with room its own earliest due rows, at most its room, locked with
# SKIP LOCKED; of those, the earliest ``window`` across endpoints are leased. Rows
# locked but not kept are released at the end of the statement, untouched.
_CLAIM = """
WITH RECURSIVE active(endpoint_id) AS (
    (SELECT endpoint_id FROM {table}
      WHERE status IN ('pending', 'retrying') ORDER BY endpoint_id LIMIT 1)
    UNION ALL
    SELECT (SELECT d.endpoint_id FROM {table} AS d
             WHERE d.status IN ('pending', 'retrying') AND d.endpoint_id > active.endpoint_id
             ORDER BY d.endpoint_id LIMIT 1)
      FROM active WHERE active.endpoint_id IS NOT NULL
), open AS (
    SELECT active.endpoint_id, COALESCE(r.room, %(cap)s) AS room
      FROM active
      LEFT JOIN unnest(%(busy)s::bigint[], %(room)s::integer[]) AS r(endpoint_id, room)
        ON r.endpoint_id = active.endpoint_id
     WHERE active.endpoint_id IS NOT NULL AND NOT (active.endpoint_id = ANY(%(full)s::bigint[]))
), locked AS MATERIALIZED (
    SELECT due.id, due.next_attempt_at FROM open, LATERAL (
        SELECT d.id, d.next_attempt_at FROM {table} AS d
         WHERE d.endpoint_id = open.endpoint_id AND d.status IN ('pending', 'retrying')
           AND d.next_attempt_at <= %(now)s
         ORDER BY d.next_attempt_at LIMIT open.room
         FOR UPDATE SKIP LOCKED
    ) AS due
), chosen AS (
    SELECT id FROM locked ORDER BY next_attempt_at, id LIMIT %(window)s
)
UPDATE {table} AS d SET next_attempt_at = %(until)s, hinted_at = NULL
  FROM {events} AS ev, {endpoints} AS ep
 WHERE d.id = ANY(ARRAY(SELECT id FROM chosen)) AND ev.id = d.event_id AND ep.id = d.endpoint_id
RETURNING d.id, d.organisation_id, d.endpoint_id, d.event_id, d.attempts, d.manual,
          ev.event_id, ev.body, md5(ep::text)
"""


@dataclass(frozen=True)
class Taken:
    """A claimed delivery with its event, and a fingerprint of its endpoint's row (any
    change to the endpoint changes it), so the pump re-reads an endpoint only when it
    changed."""

    claimed: Claimed
    event: Event
    endpoint_version: str


def claim_batch(now: datetime, limit: int, in_flight: Counter[int], cap: int) -> list[Claimed]:
    """Take up to ``limit`` due deliveries, at most ``cap - in_flight[e]`` for endpoint e."""
    return [taken.claimed for taken in take_batch(now, limit, in_flight, cap)]


def take_batch(now: datetime, limit: int, in_flight: Counter[int], cap: int) -> list[Taken]:
    """claim_batch, with each delivery's event and endpoint fingerprint, in one statement."""
    until = now + delivery.lease()
    if connection.vendor != "postgresql":
        return _with_events(_claim_without_row_locks(now, limit, in_flight, cap, until), until)
    full = [endpoint for endpoint, count in in_flight.items() if count >= cap]
    busy = [(endpoint, cap - count) for endpoint, count in in_flight.items() if 0 < count < cap]
    params: dict[str, Any] = {
        "now": now,
        "until": until,
        "full": full,
        "window": limit,
        "busy": [endpoint for endpoint, _ in busy],
        "room": [room for _, room in busy],
        "cap": cap,
    }
    statement = _CLAIM.format(
        table=Delivery._meta.db_table,
        events=Event._meta.db_table,
        endpoints=Endpoint._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return [
        Taken(_claimed(row, until), Event(pk=row[3], event_id=row[6], body=row[7]), row[8])
        for row in rows
    ]


def _claimed(row: tuple[Any, ...], until: datetime) -> Claimed:
    """A claim's row (id, organisation, endpoint, event, attempts, manual, ...) as held."""
    pk, organisation_id, endpoint_id, event_pk, attempts, manual = row[:6]
    return Claimed(
        id=pk,
        organisation_id=organisation_id,
        endpoint_id=endpoint_id,
        event_pk=event_pk,
        attempts=attempts,
        manual=manual,
        lease=until,
    )


def _with_events(rows: list[tuple[Any, ...]], until: datetime) -> list[Taken]:
    events = Event.objects.only("event_id", "body").in_bulk({row[3] for row in rows})
    # No fingerprint: on this path the pump reads the endpoints again on every claim.
    return [Taken(_claimed(row, until), events[row[3]], "") for row in rows]


def _claim_without_row_locks(
    now: datetime, limit: int, in_flight: Counter[int], cap: int, until: datetime
) -> list[tuple[Any, ...]]:
    """_CLAIM for make run's SQLite, which has neither arrays nor SKIP LOCKED but lets
    one writer in at a time: the due window read and leased in one transaction, each
    endpoint kept to its room."""
    full = [endpoint for endpoint, count in in_flight.items() if count >= cap]
    with transaction.atomic():
        window = (
            Delivery.objects.filter(status__in=Delivery.ACTIVE, next_attempt_at__lte=now)
            .exclude(endpoint_id__in=full)
            .order_by("next_attempt_at", "id")
            .values_list("id", "organisation_id", "endpoint_id", "event_id", "attempts", "manual")
        )
        taken: Counter[int] = Counter()
        kept = []
        for row in window[:limit]:
            endpoint = row[2]
            if taken[endpoint] < cap - in_flight.get(endpoint, 0):
                taken[endpoint] += 1
                kept.append(row)
        Delivery.objects.filter(pk__in=[row[0] for row in kept]).update(
            next_attempt_at=until, hinted_at=None
        )
    return kept


_KICK: Final = None  # a wake-up: new work may be due
_EMPTY: Final = object()


class _Lost:
    """A send that raised (a bug, not a failed attempt): only its counts are released."""

    def __init__(self, claimed: Claimed) -> None:
        self.claimed = claimed


class _Recorder:
    """Writes finished attempts on a thread (and database connection) of its own, so that
    the pump's loop claims the next batch while the last is being written. What finishes
    during a write goes into the next one: batches grow with the load, and the
    statements per delivery fall. On a database that lets one writer in at a time (make
    run's SQLite) the pump's own thread writes, as before; also when the pump runs
    inside a transaction, whose rows another connection could not see.

    A failed write (the database gone) is kept and raised by the pump's loop; its
    deliveries come back when their leases run out, as after any crash.
    """

    def __init__(self) -> None:
        self.inline = connection.vendor != "postgresql" or connection.in_atomic_block
        self.inbox: queue.SimpleQueue[list[Sent] | None] = queue.SimpleQueue()
        self.unwritten = 0  # handed over, not yet written (or failed)
        self.lock = threading.Lock()
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None
        if not self.inline:
            self.thread = threading.Thread(target=self._loop, name="webhook-record", daemon=True)
            self.thread.start()

    @property
    def busy(self) -> bool:
        with self.lock:
            return self.unwritten > 0

    def put(self, sent: list[Sent]) -> None:
        if self.failure is not None:
            raise self.failure
        if not sent:
            return
        if self.inline:
            delivery.record(sent)
            return
        with self.lock:
            self.unwritten += len(sent)
        self.inbox.put(sent)

    def close(self) -> None:
        """Write what is left and stop the thread."""
        if self.thread is not None:
            self.inbox.put(None)
            self.thread.join()

    def _loop(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch, stopping = self._take()
                self._write(batch)
        finally:
            connection.close()  # this thread's own connection

    def _take(self) -> tuple[list[Sent], bool]:
        """The next batch: everything waiting, once at least one list has come."""
        first = self.inbox.get()
        if first is None:
            return [], True
        batch = list(first)
        while True:
            try:
                more = self.inbox.get_nowait()
            except queue.Empty:
                return batch, False
            if more is None:
                return batch, True
            batch.extend(more)

    def _write(self, batch: list[Sent]) -> None:
        try:
            delivery.record(batch)
        except Exception as error:
            logger.exception("Recording %d attempts failed", len(batch))
            self.failure = error
        finally:
            with self.lock:
                self.unwritten -= len(batch)


class Pump:
    def __init__(self) -> None:
        self.threads: int = settings.WEBHOOKS_SEND_THREADS
        self.cap: int = settings.WEBHOOKS_ENDPOINT_IN_FLIGHT
        self.senders = ThreadPoolExecutor(self.threads, thread_name_prefix="webhook-send")
        self.connections = client.Pool()
        self.finished: queue.SimpleQueue[Sent | _Lost | None] = queue.SimpleQueue()
        self.in_flight: Counter[int] = Counter()
        self.endpoint_cache: dict[int, Endpoint] = {}
        self.endpoint_versions: dict[int, str] = {}
        self.running = 0
        self.lock = threading.Lock()
        self.active = False

    def wake(self) -> bool:
        """True if the caller should run the loop; else the running loop is told."""
        with self.lock:
            if self.active:
                self.finished.put(_KICK)
                return False
            self.active = True
            return True

    def run(self, hand_over: Callable[[], None] = lambda: None) -> None:
        """Deliver until nothing is due and nothing is in flight.

        After ``WEBHOOKS_PUMP_SECONDS`` it stops claiming, steps aside so that a fresh
        pump can start at once (``hand_over`` wakes one), and only then waits for its
        own sends: a slow receiver's in-flight sends never pause claiming, and a
        worker's warm shutdown never waits on an endless task.
        """
        ends = time.monotonic() + settings.WEBHOOKS_PUMP_SECONDS
        claiming = True
        recorder = _Recorder()
        try:
            while True:
                if claiming and time.monotonic() >= ends:
                    claiming = False
                    _retire(self)
                    hand_over()
                claimed = self._fill() if claiming and self._worth_claiming() else 0
                finished = self._drain(recorder, wait=claimed == 0)
                # Stop only after a claim that could see every endpoint found nothing:
                # one made while an endpoint was at its cap did not look at its rows;
                # and only once every attempt is written (a delivery is due again, and
                # claimable, only after its attempt is recorded).
                idle = claimed == 0 and finished == 0 and self.running == 0
                if idle and not recorder.busy and (not claiming or self._stop()):
                    return
        finally:
            recorder.close()
        if recorder.failure is not None:
            raise recorder.failure

    def _worth_claiming(self) -> bool:
        # Claim in batches: one statement per quarter of the senders, not per free one.
        free = self.threads - self.running
        return free > 0 and (self.running == 0 or free >= max(1, self.threads // 4))

    def _stop(self) -> bool:
        with self.lock:
            if self.finished.empty():  # no wake-up came while this loop was finishing
                self.active = False
                return True
            return False

    def _fill(self) -> int:
        taken = take_batch(timezone.now(), self.threads - self.running, self.in_flight, self.cap)
        if not taken:
            return 0
        endpoints = self._endpoints(taken)
        disabled = [t.claimed.id for t in taken if not endpoints[t.claimed.endpoint_id].enabled]
        if disabled:
            delivery.cancel(disabled)
        for one in taken:
            claimed = one.claimed
            endpoint = endpoints[claimed.endpoint_id]
            if endpoint.enabled:
                self.running += 1
                self.in_flight[claimed.endpoint_id] += 1
                self.senders.submit(self._send, claimed, endpoint, one.event)
        return len(taken)

    def _endpoints(self, taken: list[Taken]) -> dict[int, Endpoint]:
        """The batch's endpoints: from this pump's cache while their rows are unchanged
        (the claim's fingerprint says so), read again when they changed."""
        versions = {t.claimed.endpoint_id: t.endpoint_version for t in taken}
        stale = [e for e, v in versions.items() if not v or self.endpoint_versions.get(e) != v]
        if stale:
            fresh = Endpoint.objects.in_bulk(stale)
            for endpoint_id in stale:
                self.endpoint_cache[endpoint_id] = fresh[endpoint_id]
                self.endpoint_versions[endpoint_id] = versions[endpoint_id]
        return {e: self.endpoint_cache[e] for e in versions}

    def _send(self, claimed: Claimed, endpoint: Endpoint, event: Event) -> None:
        try:
            self.finished.put(delivery.send(claimed, endpoint, event, self.connections))
        except Exception:  # never lose the count: the lease brings the delivery back
            logger.exception("Sending delivery %d failed unexpectedly", claimed.id)
            self.finished.put(_Lost(claimed))

    def _drain(self, recorder: _Recorder, *, wait: bool) -> int:
        done: list[Sent] = []
        lost = 0
        timeout = settings.WEBHOOKS_POLL_SECONDS if wait else None
        item = self._get(timeout)
        while item is not _EMPTY:
            if isinstance(item, Sent):
                done.append(item)
            elif isinstance(item, _Lost):
                self._release(item.claimed)
                lost += 1
            item = self._get(None)
        for sent in done:
            self._release(sent.claimed)
        recorder.put(done)
        return len(done) + lost

    def _get(self, timeout: float | None) -> Sent | _Lost | object | None:
        try:
            if timeout is None:
                return self.finished.get_nowait()
            return self.finished.get(timeout=timeout)
        except queue.Empty:
            return _EMPTY

    def _release(self, claimed: Claimed) -> None:
        self.running -= 1
        self.in_flight[claimed.endpoint_id] -= 1
        if self.in_flight[claimed.endpoint_id] <= 0:
            del self.in_flight[claimed.endpoint_id]


_pump: Pump | None = None
_pump_lock = threading.Lock()


def pump() -> Pump:
    """This process's pump, made on first use (a worker process has one)."""
    global _pump
    with _pump_lock:
        if _pump is None:
            _pump = Pump()
        return _pump


def deliver_due(hand_over: Callable[[], None]) -> None:
    """Run this process's pump, or tell the running one that there is new work.

    ``hand_over`` wakes a worker (any: the next run may be elsewhere) when a pump's
    time is up with work perhaps left.
    """
    current = pump()
    if not current.wake():
        return
    try:
        current.run(hand_over)
    except BaseException:
        _retire(current)
        raise
    finally:
        if current is not _pump:  # retired: nothing will use it again
            current.senders.shutdown(wait=False)
            current.connections.close()


def _retire(old: Pump) -> None:
    # The next wake-up makes a new pump with clean counts. A retired pump's own sends
    # still finish and are recorded by it (or, if it failed, come back with their leases).
    global _pump
    with _pump_lock:
        if _pump is old:
            _pump = None
