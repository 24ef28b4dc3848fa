"""Queues split by kind of work (integrations/queues.py), as docker-compose.yml runs them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from integrations import queues, syncs
from integrations.models import Connection
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, make_grant

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


@pytest.fixture
def split(settings: Any) -> Iterator[None]:
    """Routing on, as PATCHBAY_QUEUES_BY_KIND=1 turns it on at start-up."""
    settings.QUEUES_BY_KIND = True
    before = celery_app.conf.task_routes
    celery_app.conf.task_routes = ("integrations.queues.route",)
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)
    queues._KNOWN.clear()
    try:
        yield
    finally:
        celery_app.conf.task_routes = before
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)


def waiting(queue: str) -> int:
    with celery_app.connection_for_read() as broker:
        channel: Any = broker.default_channel
        return int(channel.queue_declare(queue).message_count)


def purge(*names: str) -> None:
    with celery_app.connection_for_read() as broker:
        channel: Any = broker.default_channel
        for name in names:
            channel.queue_purge(name)


Pair = tuple[list[Connection], list[Connection]]


def ledger_and_calendar(tenants: Tenants, due: int = 1) -> Pair:
    past = timezone.now() - timedelta(minutes=5)
    grant = make_grant(tenants.alpha)
    ledgers = [
        make_connection(tenants.alpha, grant, remote_id=f"ledger-{n}", next_sync_at=past)
        for n in range(due)
    ]
    calendars = [
        make_connection(
            tenants.alpha, grant, provider="google-calendar", remote_id=f"c-{n}", next_sync_at=past
        )
        for n in range(due)
    ]
    return ledgers, calendars


def test_each_kind_of_work_is_routed_to_its_own_queue(tenants: Tenants, split: None) -> None:
    ledgers, calendars = ledger_and_calendar(tenants)
    route = queues.route
    assert route("accounting.tasks.sync_connection", [ledgers[0].pk], {}, {}) == {"queue": "sync"}
    assert route("accounting.tasks.sync_connection", [calendars[0].pk], {}, {}) == {
        "queue": "calendars"
    }
    assert route("integrations.syncs.sync_connections", [[calendars[0].pk]], {}, {}) == {
        "queue": "calendars"
    }
    assert route("webhooks.tasks.deliver", [[1, 2]], {}, {}) == {"queue": "webhooks"}
    assert route("calendars.tasks.check_icloud_account", [1], {}, {}) == {"queue": "calendars"}
    assert route("accounting.tasks.refresh_remote_choices", [ledgers[0].pk], {}, {}) == {
        "queue": "sync"
    }
    # Housekeeping stays on the default queue.
    assert route("tenancy.tasks.clear_expired_sessions", [], {}, {}) is None


def test_the_beat_tick_publishes_ledger_and_calendar_syncs_to_their_queues(
    tenants: Tenants, split: None
) -> None:
    ledger_and_calendar(tenants, due=3)
    purge(*queues.ALL)

    assert syncs.dispatch_due_syncs() == 6

    # Published through the real broker: each kind's batch waits on its own queue.
    assert waiting("sync") >= 1
    assert waiting("calendars") >= 1
    assert waiting("celery") == 0
    purge(*queues.ALL)


def test_grouping_a_tick_by_queue_asks_the_database_once_then_never(
    tenants: Tenants, split: None
) -> None:
    ledgers, calendars = ledger_and_calendar(tenants, due=4)
    ids = [c.pk for pair in zip(ledgers, calendars, strict=True) for c in pair]

    with CaptureQueriesContext(db) as first:
        groups = queues.group_by_queue(ids)
    with CaptureQueriesContext(db) as again:
        assert queues.group_by_queue(ids) == groups

    assert sorted(map(sorted, groups)) == sorted(
        [sorted(c.pk for c in ledgers), sorted(c.pk for c in calendars)]
    )
    assert len(first) == 1
    assert len(again) == 0


def test_unsplit_every_due_connection_stays_in_one_group(tenants: Tenants) -> None:
    ledgers, calendars = ledger_and_calendar(tenants, due=2)
    ids = [c.pk for c in ledgers + calendars]
    assert queues.group_by_queue(ids) == [ids]


def test_compose_runs_a_worker_service_for_every_queue_and_turns_routing_on() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    read: dict[str, str] = {}
    for name, service in services.items():
        command = service.get("command", "")
        if " worker " in f" {command} ":
            words = command.split()
            read[words[words.index("-Q") + 1]] = name
    assert set(read) == set(queues.ALL)
    assert compose["x-app"]["environment"]["PATCHBAY_QUEUES_BY_KIND"] == "1"
    # Workers publish no ports, so any of them scales with --scale.
    assert all("ports" not in services[name] for name in read.values())
