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
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from webhooks import client, delivery
from webhooks.delivery import Claimed, Sent
from webhooks.models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# Lock a due window, then keep at most ``room`` per endpoint of it; rows locked but
# not kept are released at the end of the statement, untouched.
_CLAIM = """
WITH locked AS MATERIALIZED (
    SELECT id, endpoint_id, next_attempt_at FROM {table}
    WHERE status IN ('pending', 'retrying') AND next_attempt_at <= %(now)s
      AND NOT (endpoint_id = ANY(%(full)s::bigint[]))
    ORDER BY next_attempt_at
    LIMIT %(window)s
    FOR UPDATE SKIP LOCKED
), ranked AS MATERIALIZED (
    SELECT id, endpoint_id,
           row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS rank
    FROM locked
)
UPDATE {table} AS d SET next_attempt_at = %(until)s, hinted_at = NULL
FROM ranked
LEFT JOIN unnest(%(busy)s::bigint[], %(room)s::integer[]) AS r(endpoint_id, room)
    ON r.endpoint_id = ranked.endpoint_id
WHERE d.id = ranked.id AND ranked.rank <= COALESCE(r.room, %(cap)s)
RETURNING d.id, d.organisation_id, d.endpoint_id, d.event_id, d.attempts, d.manual
"""


def claim_batch(now: datetime, limit: int, in_flight: Counter[int], cap: int) -> list[Claimed]:
    """Take up to ``limit`` due deliveries, at most ``cap - in_flight[e]`` for endpoint e."""
    until = now + delivery.lease()
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM.format(table=Delivery._meta.db_table), params)
            rows = cursor.fetchall()
    else:
        rows = _claim_without_row_locks(now, limit, in_flight, cap, until)
    return [
        Claimed(
            id=i, organisation_id=o, endpoint_id=e, event_pk=v, attempts=a, manual=m, lease=until
        )
        for i, o, e, v, a, m in rows
    ]


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


class Pump:
    def __init__(self) -> None:
        self.threads: int = settings.WEBHOOKS_SEND_THREADS
        self.cap: int = settings.WEBHOOKS_ENDPOINT_IN_FLIGHT
        self.senders = ThreadPoolExecutor(self.threads, thread_name_prefix="webhook-send")
        self.connections = client.Pool()
        self.finished: queue.SimpleQueue[Sent | _Lost | None] = queue.SimpleQueue()
        self.in_flight: Counter[int] = Counter()
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
        while True:
            if claiming and time.monotonic() >= ends:
                claiming = False
                _retire(self)
                hand_over()
            claimed = self._fill() if claiming and self._worth_claiming() else 0
            finished = self._drain(wait=claimed == 0)
            # Stop only after a claim that could see every endpoint found nothing: one
            # made while an endpoint was at its cap did not look at that endpoint's rows.
            idle = claimed == 0 and finished == 0 and self.running == 0
            if idle and (not claiming or self._stop()):
                return

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
        batch = claim_batch(timezone.now(), self.threads - self.running, self.in_flight, self.cap)
        if not batch:
            return 0
        endpoints = Endpoint.objects.in_bulk({c.endpoint_id for c in batch})
        events = Event.objects.only("event_id", "body").in_bulk({c.event_pk for c in batch})
        disabled = [c.id for c in batch if not endpoints[c.endpoint_id].enabled]
        if disabled:
            delivery.cancel(disabled)
        for claimed in batch:
            endpoint = endpoints[claimed.endpoint_id]
            if endpoint.enabled:
                self.running += 1
                self.in_flight[claimed.endpoint_id] += 1
                self.senders.submit(self._send, claimed, endpoint, events[claimed.event_pk])
        return len(batch)

    def _send(self, claimed: Claimed, endpoint: Endpoint, event: Event) -> None:
        try:
            self.finished.put(delivery.send(claimed, endpoint, event, self.connections))
        except Exception:  # never lose the count: the lease brings the delivery back
            logger.exception("Sending delivery %d failed unexpectedly", claimed.id)
            self.finished.put(_Lost(claimed))

    def _drain(self, *, wait: bool) -> int:
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
        delivery.record(done)
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
