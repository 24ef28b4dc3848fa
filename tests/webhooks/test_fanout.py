"""Batched, concurrent delivery (webhooks.fanout): isolation of slow endpoints, leases.

The pump runs in-process here (its sender threads post over real HTTP to local
receivers); the reliability test drives it through real Celery workers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from operations import services as operations
from tests.conftest import Tenants
from tests.webhooks import workers
from tests.webhooks.helpers import make_endpoint
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks import delivery, fanout, tasks
from webhooks.models import Attempt, Delivery, Endpoint

EVENTS = 12
CAP = 2


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wake-up messages, recorded instead of sent (the pump is run by the test)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", sent.extend)
    return sent


@pytest.fixture
def pump(settings: Any) -> Iterator[fanout.Pump]:
    settings.WEBHOOKS_SEND_THREADS = 4
    settings.WEBHOOKS_ENDPOINT_IN_FLIGHT = CAP
    # Held requests must outlast a busy machine's slowest run: a timeout here would
    # turn "held" into "failed, retry in a minute" and test something else.
    settings.WEBHOOKS_TOTAL_TIMEOUT = 120.0
    settings.WEBHOOKS_PUMP_SECONDS = 600.0
    made = fanout.Pump()
    yield made
    made.senders.shutdown(wait=True)
    made.connections.close()


def _customers(tenants: Tenants, count: int) -> None:
    for index in range(count):
        operations.create_customer(tenants.alpha, name=f"Fan-out customer {index}")


def _run_in_background(pump: fanout.Pump) -> threading.Thread:
    def run() -> None:
        try:
            assert pump.wake()
            pump.run()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _succeeded(endpoint: Endpoint) -> int:
    return Delivery.objects.filter(endpoint=endpoint, status="succeeded").count()


def test_a_slow_endpoint_holds_only_its_own_senders_while_another_gets_everything(
    tenants: Tenants, transactional_db: None, woken: list[int], pump: fanout.Pump
) -> None:
    hold = threading.Event()
    with Receiver(Behaviour(hold=hold)) as slow_receiver, Receiver() as fast_receiver:
        slow, _ = make_endpoint(
            tenants.alpha, url=slow_receiver.url(), event_types=["customer.created"]
        )
        fast, _ = make_endpoint(
            tenants.alpha, url=fast_receiver.url(), event_types=["customer.created"]
        )
        _customers(tenants, EVENTS)
        thread = _run_in_background(pump)
        try:
            # Every fast delivery is made while the slow receiver answers none of its own.
            workers.wait_for(lambda: _succeeded(fast) == EVENTS, 60, "the fast endpoint")
            assert len(slow_receiver.received) == CAP  # only its cap was ever sent
            assert _succeeded(slow) == 0
        finally:
            hold.set()
            thread.join(60)
        assert not thread.is_alive()
        fast_ids, slow_ids = set(fast_receiver.ids()), set(slow_receiver.ids())

    assert _succeeded(slow) == EVENTS
    assert fast_ids == slow_ids and len(fast_ids) == EVENTS
    fast_started = Attempt.objects.filter(delivery__endpoint=fast).values_list(
        "started_at", flat=True
    )
    slow_started = sorted(
        Attempt.objects.filter(delivery__endpoint=slow).values_list("started_at", flat=True)
    )
    # The slow endpoint's third delivery could start only after one of its first two was
    # answered, and by then the fast endpoint had been sent everything.
    assert max(fast_started) < slow_started[CAP]


def test_a_batch_claimed_by_a_worker_that_died_is_delivered_after_its_lease(
    tenants: Tenants, woken: list[int], pump: fanout.Pump
) -> None:
    with Receiver() as receiver:
        make_endpoint(tenants.alpha, url=receiver.url(), event_types=["customer.created"])
        _customers(tenants, EVENTS)
        now = timezone.now()
        # A worker claims the whole batch... and is killed before sending any of it.
        taken = fanout.claim_batch(now, 100, Counter(), cap=100)
        assert len(taken) == EVENTS
        assert pump.wake()
        pump.run()  # another worker finds nothing due: every row is leased
        assert receiver.received == []
        lease_end = now + delivery.lease() + timedelta(seconds=1)
        with time_machine.travel(lease_end, tick=True):
            assert tasks.sweep(lease_end) == EVENTS  # due again, and woken
            assert pump.wake()
            pump.run()
        ids = receiver.ids()

    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["succeeded"] * EVENTS
    assert sorted(ids) == sorted(Delivery.objects.values_list("event__event_id", flat=True))
    # The dead worker's claim left no attempt and used up no retry.
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert Attempt.objects.count() == EVENTS


# "sqlite": the claim make run's embedded database takes (no SKIP LOCKED, no arrays),
# its ORM statements run here on PostgreSQL with the connection saying otherwise.
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_a_claim_takes_at_most_the_room_each_endpoint_has_left(
    tenants: Tenants, woken: list[int], vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "vendor", vendor)
    first, _ = make_endpoint(tenants.alpha, event_types=["customer.created"])
    second, _ = make_endpoint(tenants.alpha, event_types=["customer.created"])
    _customers(tenants, 5)
    in_flight = Counter({first.pk: 2})  # already 2 of 3 in flight to the first endpoint
    taken = fanout.claim_batch(timezone.now(), 100, in_flight, cap=3)
    assert Counter(claimed.endpoint_id for claimed in taken) == {first.pk: 1, second.pk: 3}
    leased = Delivery.objects.filter(pk__in=[claimed.id for claimed in taken])
    assert set(leased.values_list("next_attempt_at", flat=True)) == {taken[0].lease}
    in_flight = Counter({first.pk: 3})  # full: none of its deliveries is even looked at
    assert {c.endpoint_id for c in fanout.claim_batch(timezone.now(), 100, in_flight, 3)} == {
        second.pk
    }
