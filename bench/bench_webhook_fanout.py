"""10,000 events fanned out to 5 healthy local receivers (and a slow and a dead one)
by real Celery workers.

Each event is written to the outbox (in batches of 20 per transaction, as a busy
web process would) and is wanted by every endpoint: 50,000 signed deliveries over
HTTP to the 5 healthy receivers on 127.0.0.1, plus the same events to a sixth
receiver that answers each request after 10 s and a seventh whose port refuses
connections. Latency is from the commit of an event's transaction to the moment a
receiver has read that delivery. ``lost`` counts deliveries to the healthy
receivers that never arrived: the slow and dead ones are there to show they do not
hold the others back (their own figures are reported, not awaited).

``FANOUT_EVENTS_PER_S`` paces the producer (default: as fast as it can, so the run
measures capacity, and the latency it reports is mostly the backlog of a producer that
outruns delivery); ``FANOUT_EXTRA=0`` leaves out the slow and dead receivers;
``FANOUT_CELERY_THREADS`` sets the workers' Celery threads (the one-at-a-time code
before issue 17 sent one delivery per thread and ran with 8).
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

EVENTS = int(os.environ.get("FANOUT_EVENTS", "10000"))
RECEIVERS = 5  # healthy ones
EXTRA = os.environ.get("FANOUT_EXTRA", "1") != "0"
SLOW_SECONDS = 10.0
BATCH = 20
WORKERS = 2  # processes (the machine has 2 cores)
# Celery threads per worker: the pump runs in one and the wake-ups in the others; the
# sends themselves run on the pump's own sender threads (WEBHOOKS_SEND_THREADS).
THREADS = int(os.environ.get("FANOUT_CELERY_THREADS", "4"))
# Events a second the producer offers (0: as fast as it can, which measures capacity;
# the healthy receivers' latency is only meaningful below it: above, it is the backlog).
RATE = float(os.environ.get("FANOUT_EVENTS_PER_S", "0"))
PATIENCE = 120.0  # seconds without progress before giving up (and counting the rest lost)
LONGEST = float(os.environ.get("FANOUT_MAX_SECONDS", "900"))  # a bound on the whole wait
ROOT = Path(__file__).resolve().parent.parent


def _start_workers(database_url: str, queue: str) -> list[subprocess.Popen[bytes]]:
    # The development profile with DEBUG off: persistent database connections, as in
    # production (the test profile closes them after every use, for the live server).
    env = {
        **os.environ,
        "PATCHBAY_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "WEBHOOKS_QUEUE": queue,  # a worker's own wake-ups (a pump handing over) stay here
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue]
    command += ["--pool=threads", f"--concurrency={THREADS}", "--loglevel=WARNING"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
    return [
        subprocess.Popen([*command, "-n", f"bench{index}-{queue}@%h"], cwd=ROOT, env=env)  # noqa: S603
        for index in range(WORKERS)
    ]


def _produce(organisation_id: int, commits: dict[str, float]) -> None:
    """Every event, BATCH to a transaction; at RATE events a second when one is set (each
    batch waits for its moment), else as fast as this process can write them."""
    from django.db import transaction

    from webhooks import outbox

    began = time.monotonic()
    for start in range(0, EVENTS, BATCH):
        if RATE:
            time.sleep(max(0.0, began + start / RATE - time.monotonic()))
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
    ends = time.monotonic() + LONGEST
    while time.monotonic() - last_progress < PATIENCE and time.monotonic() < ends:
        count = sum(len(r.received) for r in receivers)
        if count != seen:
            seen, last_progress = count, time.monotonic()
        if len(_arrivals(receivers)) >= expected:
            return
        time.sleep(0.5)


def _warm_up(organisation_id: int, receivers: list[Any], others: list[Any]) -> None:
    """One event first, so worker start-up is not counted as latency."""
    from django.db import transaction

    from webhooks import outbox

    with transaction.atomic():
        outbox.record(organisation_id, "customer.created", {"warm": True})
    _wait_for_all(receivers, RECEIVERS)
    for receiver in [*receivers, *others]:
        with receiver.lock:
            receiver.received.clear()


def _cpu_seconds(pid: int) -> float:
    """A process's user + system CPU so far (Linux /proc), children excluded."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(5)
    except subprocess.TimeoutExpired:  # a warm shutdown waits for slow sends: not here
        worker.kill()
        worker.wait(10)


def _latencies(
    arrivals: dict[tuple[int, str], float], commits: dict[str, float], index: int
) -> list[float]:
    return [
        (at - commits[event_id]) * 1000
        for (receiver, event_id), at in arrivals.items()
        if receiver == index and event_id in commits
    ]


def _summary(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"received": 0}
    return {
        "received": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
    }


def _purge(queue: str) -> None:
    connection = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"))
    connection.delete(queue, f"_kombu.binding.{queue}")


def _endpoint(organisation: Any, url: str) -> Any:
    from webhooks.models import Endpoint

    return Endpoint.objects.create(
        organisation=organisation,
        url=url,
        event_types=["customer.created"],
        secret="whsec_" + "YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldC1iZW5jaC0=",
    )


def run() -> dict[str, Any]:
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    with bench_database() as database_url, ExitStack() as stack:
        from django.conf import settings

        from tenancy.models import Organisation
        from tests.webhooks.receiver import Behaviour, Receiver
        from tests.webhooks.workers import free_port
        from webhooks.models import Attempt

        settings.WEBHOOKS_QUEUE = queue  # this process's wake-ups go to the bench workers only
        organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire-fanout")
        receivers = [stack.enter_context(Receiver()) for _ in range(RECEIVERS)]
        for receiver in receivers:
            _endpoint(organisation, receiver.url())
        slow = [stack.enter_context(Receiver(Behaviour(delay=SLOW_SECONDS)))] if EXTRA else []
        dead = None
        for receiver in slow:
            _endpoint(organisation, receiver.url())
        if EXTRA:  # nothing listens on a fresh free port: every connection is refused
            dead = _endpoint(organisation, f"http://127.0.0.1:{free_port()}/hook")
        workers = _start_workers(database_url, queue)
        stack.callback(_purge, queue)
        for worker in workers:
            stack.callback(_stop, worker)
        _warm_up(organisation.pk, receivers, slow)
        commits: dict[str, float] = {}
        cpu_before = [_cpu_seconds(worker.pid) for worker in workers]
        here_before = time.process_time()
        started = time.time()
        _produce(organisation.pk, commits)
        produced = time.time()
        _wait_for_all(receivers, EVENTS * RECEIVERS)
        worker_cpu = sum(_cpu_seconds(w.pid) for w in workers) - sum(cpu_before)
        here_cpu = time.process_time() - here_before
        arrivals = _arrivals(receivers)
        finished = max(arrivals.values(), default=started)
        slow_arrivals = _arrivals(slow)
        dead_attempts = Attempt.objects.filter(delivery__endpoint=dead).count() if dead else 0
        load = os.getloadavg()
    healthy = [_latencies(arrivals, commits, index) for index in range(RECEIVERS)]
    every = [latency for latencies in healthy for latency in latencies]
    result: dict[str, Any] = {
        "events": EVENTS,
        "receivers": RECEIVERS,
        "deliveries": len(arrivals),
        "deliveries_per_s": round(len(arrivals) / (finished - started), 1),
        "p50_ms": round(percentile(every, 0.50), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
        "per_receiver": [_summary(latencies) for latencies in healthy],
        "workers": WORKERS,
        "celery_threads_per_worker": THREADS,
        "send_threads_per_worker": getattr(settings, "WEBHOOKS_SEND_THREADS", None),
        "endpoint_in_flight_cap": getattr(settings, "WEBHOOKS_ENDPOINT_IN_FLIGHT", None),
        "lost": EVENTS * RECEIVERS - len(arrivals),
        "produced_in_s": round(produced - started, 2),
        "offered_events_per_s": RATE or round(EVENTS / max(produced - started, 1e-9), 1),
        # CPU per delivery made, healthy or not: the workers' (claim, sign, send, record),
        # and this process's (the producer and every receiver).
        "worker_cpu_ms_per_delivery": round(worker_cpu * 1000 / max(1, len(arrivals)), 3),
        "bench_process_cpu_ms_per_delivery": round(here_cpu * 1000 / max(1, len(arrivals)), 3),
        "load_average": [round(figure, 2) for figure in load],
    }
    if EXTRA:
        result["slow_receiver"] = {
            "answers_after_s": SLOW_SECONDS,
            **_summary(_latencies(slow_arrivals, commits, 0)),
        }
        result["dead_receiver"] = {"attempts_recorded": dead_attempts}
    return result
