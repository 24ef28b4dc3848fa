"""The beat tick that finds due connections: its cost does not grow with the fleet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations import syncs
from integrations.models import Connection, SyncSchedule
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, make_grant


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr(
        syncs.sync_connection, "apply_async", lambda args, **_: sent.append(args[0])
    )
    monkeypatch.setattr(
        syncs.sync_connections, "apply_async", lambda args, **_: sent.extend(args[0])
    )
    return sent


def fleet(tenants: Tenants, due: int, later: int, never: int = 0) -> list[Connection]:
    now = timezone.now()
    grant = make_grant(tenants.alpha)
    made = []
    for n in range(due + later + never):
        at = None if n >= due + later else now - timedelta(minutes=n + 1)
        if due <= n < due + later:
            at = now + timedelta(minutes=n)
        made.append(make_connection(tenants.alpha, grant, remote_id=f"t-{n}", next_sync_at=at))
    return made


def tick_queries() -> int:
    with CaptureQueriesContext(db) as queries:
        syncs.dispatch_due_syncs()
    return len(queries)


def test_a_tick_makes_as_many_queries_for_three_due_connections_as_for_thirty(
    tenants: Tenants, enqueued: list[int]
) -> None:
    made = fleet(tenants, due=3, later=2, never=1)
    few = tick_queries()
    assert len(enqueued) == 4
    SyncSchedule.objects.update(next_sync_at=timezone.now() - timedelta(minutes=1))
    grant = made[0].grant
    for n in range(30):
        make_connection(tenants.alpha, grant, remote_id=f"more-{n}", next_sync_at=None)
    enqueued.clear()
    many = tick_queries()
    assert len(enqueued) == 36
    assert few == many


# "sqlite": the claim make run's embedded database takes (no SKIP LOCKED, no arrays),
# its ORM statements run here on PostgreSQL with the connection saying otherwise.
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_never_synced_connections_go_first_then_the_longest_overdue_up_to_the_limit(
    tenants: Tenants, settings, enqueued: list[int], vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "vendor", vendor)
    settings.SYNC_DISPATCH_PER_TICK = 3
    made = fleet(tenants, due=3, later=1, never=1)
    syncs.dispatch_due_syncs()
    # made[2] is the longest overdue (three minutes), made[4] has never synced.
    assert enqueued == [made[4].pk, made[2].pk, made[1].pk]
    syncs.dispatch_due_syncs()
    assert enqueued[3:] == [made[0].pk]
    syncs.dispatch_due_syncs()
    assert len(enqueued) == 4  # the claimed are pushed ahead; the later one is not due


def test_a_connection_in_error_is_not_dispatched(tenants: Tenants, enqueued: list[int]) -> None:
    make_connection(tenants.alpha, next_sync_at=None, state=Connection.State.ERROR)
    assert syncs.dispatch_due_syncs() == 0
    assert enqueued == []


def test_the_due_query_is_served_by_the_partial_index(tenants: Tenants) -> None:
    """With the planner's sequential scans off, the plan shows which index it can use:
    the dispatcher's own, not a scan and sort of every due row."""
    fleet(tenants, due=2, later=2)
    query = syncs._due().filter(next_sync_at__lte=timezone.now()).order_by("next_sync_at")
    with db.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.values_list("pk", flat=True)[:10].explain()
    assert "schedule_due_sync" in plan
    assert "Sort" not in plan


def test_many_due_are_dealt_into_at_most_the_message_limit_and_few_go_one_each(
    tenants: Tenants, settings, enqueued: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SYNC_DISPATCH_MESSAGES = 2
    batched: list[list[int]] = []
    monkeypatch.setattr(
        syncs.sync_connections, "apply_async", lambda args, **_: batched.append(args[0])
    )
    made = fleet(tenants, due=5, later=0)
    assert syncs.dispatch_due_syncs() == 5
    assert enqueued == []
    assert sorted(pk for batch in batched for pk in batch) == sorted(c.pk for c in made)
    assert [len(batch) for batch in batched] == [3, 2]
    SyncSchedule.objects.filter(connection=made[0]).update(next_sync_at=None)
    syncs.dispatch_due_syncs()
    assert enqueued == [made[0].pk]  # one due: its own sync_connection message


def test_a_failing_sync_in_a_batch_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[int] = []

    def sync(connection_id: int) -> None:
        ran.append(connection_id)
        if connection_id == 2:
            raise RuntimeError("the provider broke")

    monkeypatch.setattr(syncs, "sync_connection", sync)
    syncs.sync_connections([1, 2, 3])
    assert ran == [1, 2, 3]
