"""10,000 events fanned out to 5 local receivers by real Celery workers.

Each event is written to the outbox (in batches of 20 per transaction, as a busy
web process would) and is wanted by all 5 endpoints: 50,000 signed deliveries
over HTTP to receivers on 127.0.0.1. Latency is from the commit of an event's
transaction to the moment a receiver has read that delivery. ``lost`` counts
deliveries that never arrived.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import redis

from bench.apiaccess import bench_database, percentile

EVENTS = 10_000
RECEIVERS = 5
BATCH = 20
WORKERS = 2  # processes (the machine has 2 cores)
THREADS = 8  # delivery threads per worker: deliveries mostly wait on the network
PATIENCE = 120.0  # seconds without progress before giving up (and counting the rest lost)
ROOT = Path(__file__).resolve().parent.parent


def _start_workers(database_url: str, queue: str) -> list[subprocess.Popen[bytes]]:
    # The development profile with DEBUG off: persistent database connections, as in
    # production (the test profile closes them after every use, for the live server).
    env = {
        **os.environ,
        "PATCHBAY_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue]
    command += ["--pool=threads", f"--concurrency={THREADS}", "--loglevel=INFO"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
    return [
        subprocess.Popen([*command, "-n", f"bench{index}-{queue}@%h"], cwd=ROOT, env=env)  # noqa: S603
        for index in range(WORKERS)
    ]


def _produce(organisation_id: int, commits: dict[str, float]) -> None:
    from django.db import transaction

    from webhooks import outbox

    for start in range(0, EVENTS, BATCH):
        with transaction.atomic():
            ids = [
                outbox.record(organisation_id, "customer.created", {"n": n}).event_id
                for n in range(start, start + BATCH)
            ]
        committed = time.time()
        commits.update(dict.fromkeys(ids, committed))


def _arrivals(receivers: list[Any]) -> dict[tuple[int, str], float]:
    first: dict[tuple[int, str], float] = {}
    for index, receiver in enumerate(receivers):
        with receiver.lock:
            for request in receiver.received:
                first.setdefault((index, request.webhook_id), request.at)
    return first


def _wait_for_all(receivers: list[Any], expected: int) -> None:
    seen, last_progress = -1, time.monotonic()
    while time.monotonic() - last_progress < PATIENCE:
        count = sum(len(r.received) for r in receivers)
        if count != seen:
            seen, last_progress = count, time.monotonic()
        if len(_arrivals(receivers)) >= expected:
            return
        time.sleep(0.5)


def _warm_up(organisation_id: int, receivers: list[Any]) -> None:
    """One event first, so worker start-up is not counted as latency."""
    from django.db import transaction

    from webhooks import outbox

    with transaction.atomic():
        outbox.record(organisation_id, "customer.created", {"warm": True})
    _wait_for_all(receivers, RECEIVERS)
    for receiver in receivers:
        with receiver.lock:
            receiver.received.clear()


def _purge(queue: str) -> None:
    connection = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"))
    connection.delete(queue, f"_kombu.binding.{queue}")


def run() -> dict[str, Any]:
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    with bench_database() as database_url, ExitStack() as stack:
        from django.conf import settings

        from tenancy.models import Organisation
        from tests.webhooks.receiver import Receiver
        from webhooks.models import Endpoint

        settings.WEBHOOKS_QUEUE = queue  # this process's wake-ups go to the bench workers only
        organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire-fanout")
        receivers = [stack.enter_context(Receiver()) for _ in range(RECEIVERS)]
        for receiver in receivers:
            Endpoint.objects.create(
                organisation=organisation,
                url=receiver.url(),
                event_types=["customer.created"],
                secret="whsec_" + "YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldC1iZW5jaC0=",
            )
        workers = _start_workers(database_url, queue)
        stack.callback(_purge, queue)
        for worker in workers:
            stack.callback(worker.wait, 30)
            stack.callback(worker.terminate)
        _warm_up(organisation.pk, receivers)
        commits: dict[str, float] = {}
        started = time.time()
        _produce(organisation.pk, commits)
        _wait_for_all(receivers, EVENTS * RECEIVERS)
        arrivals = _arrivals(receivers)
    latencies = [(at - commits[event_id]) * 1000 for (_, event_id), at in arrivals.items()]
    finished = max(arrivals.values(), default=started)
    return {
        "events": EVENTS,
        "receivers": RECEIVERS,
        "deliveries": len(arrivals),
        "deliveries_per_s": round(len(arrivals) / (finished - started), 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "workers": WORKERS,
        "threads_per_worker": THREADS,
        "lost": EVENTS * RECEIVERS - len(arrivals),
    }
