"""1,000 events delivered while the worker is killed and Redis restarted: none lost.

Everything is real: a producer process commits the changes, a Celery worker (with
its beat running the sweeper every second) delivers them over HTTP to a receiver
on 127.0.0.1, and the broker is a private Redis that is killed and started again
empty. PostgreSQL alone remembers what is due.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from tests.conftest import Tenants
from tests.webhooks import workers
from tests.webhooks.helpers import make_endpoint
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.celery_worker
EVENTS = 1_000


def _worker_env(redis_url: str, var_dir: str) -> dict[str, str]:
    return workers.process_env(
        redis_url,
        WEBHOOKS_QUEUE="celery",  # a private Redis: its default queue is ours alone
        WEBHOOKS_SWEEP_SECONDS="1",
        WEBHOOKS_REHINT_SECONDS="5",
        WEBHOOKS_LEASE_SECONDS="5",
        WEBHOOKS_CONNECT_TIMEOUT="1",
        WEBHOOKS_TOTAL_TIMEOUT="2",
        PATCHBAY_VAR_DIR=var_dir,  # beat's schedule file, away from the developer's
    )


def _delivered() -> int:
    return Delivery.objects.filter(status="succeeded").count()


@pytest.mark.slow
def test_every_event_arrives_after_a_worker_kill_and_a_redis_restart(
    tenants: Tenants, transactional_db: None, tmp_path: Any
) -> None:
    hold = threading.Event()
    broker = workers.PrivateRedis()
    broker.start()
    with Receiver(Behaviour(hold=hold, hold_after=100)) as receiver:
        _, secret = make_endpoint(
            tenants.alpha, url=receiver.url(), event_types=["customer.created"]
        )
        env = _worker_env(broker.url, str(tmp_path))
        worker = workers.start_worker(env, "celery", beat=True)
        try:
            producer = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.webhooks.produce",
                    str(tenants.alpha.pk),
                    str(EVENTS),
                ],
                cwd=workers.ROOT,
                env=env,
                check=True,
            )
            assert producer.returncode == 0
            # Deliveries are flowing; now one is held mid-request by the receiver.
            workers.wait_for(receiver.held.is_set, 120, "a delivery in flight")
            workers.stop(worker, crash=True)  # SIGKILL: no goodbye, leases left behind
            hold.set()  # the receiver answers 200 to a worker that is gone
            broker.restart()  # every queued wake-up message is lost
            worker = workers.start_worker(env, "celery", beat=True)
            workers.wait_for(lambda: _delivered() == EVENTS, 240, "every delivery")
        finally:
            workers.stop(worker)
            broker.stop()
        received = list(receiver.received)

    event_ids = set(Event.objects.values_list("event_id", flat=True))
    assert len(event_ids) == EVENTS
    assert {request.webhook_id for request in received} == event_ids
    repeats = [request for request in received if receiver.ids().count(request.webhook_id) > 1]
    assert repeats, "the request held while the worker died must have been sent again"
    bodies: dict[str, bytes] = {}
    verifier = Webhook(secret)
    for request in received:
        assert bodies.setdefault(request.webhook_id, request.body) == request.body
        verifier.verify(request.body, request.headers)  # every copy is signed afresh
