"""Each connection's schedule: made with the connection, told of every state change, and
the tick takes a connection exactly while a sync would run for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection as db
from django.utils import timezone

from integrations import flow, health, runs, schedule, syncs
from integrations.models import Connection, SyncRun, SyncSchedule
from integrations.providers import RemoteOrganisation
from tenancy.models import User
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, make_grant, make_password_connection

TENANT = RemoteOrganisation(remote_id="tenant-9", name="Nine Ltd", remote_connection_id="c-9")


def due_again(connection: Connection) -> None:
    schedule.set_next(connection, timezone.now() - timedelta(minutes=1))


def taken_by_the_tick(connection: Connection) -> bool:
    due_again(connection)
    return connection.pk in syncs.claim_due()


# "sqlite": make run's claim (ORM statements), run here on PostgreSQL.
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_tick_takes_a_connection_exactly_while_a_sync_runs_for_it(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch, vendor: str
) -> None:
    monkeypatch.setattr(db, "vendor", vendor)
    user: User = tenants.by_role["owner"]
    grant = make_grant(tenants.alpha)

    connection = flow.attach(grant, TENANT, user)
    assert syncs.claim_due() == [connection.pk]  # new: due at once, never synced
    health.mark_degraded(connection, "Xero is slow")
    assert taken_by_the_tick(connection)
    health.mark_error(connection, "Xero refused the token")
    assert not taken_by_the_tick(connection)
    reconnected = flow.attach(grant, TENANT, user)
    assert reconnected.pk == connection.pk
    assert taken_by_the_tick(connection)
    health.mark_healthy(connection)
    flow.disconnect(connection, user)
    assert not taken_by_the_tick(connection)


def test_every_way_a_connection_is_made_gives_it_a_schedule_due_at_once(
    tenants: Tenants,
) -> None:
    user: User = tenants.by_role["owner"]
    grant = make_grant(tenants.alpha)
    made = [
        flow.attach(grant, TENANT, user),
        make_connection(tenants.alpha, grant, remote_id="plain-create"),
        make_password_connection(tenants.alpha, user),
        make_connection(tenants.alpha, grant, remote_id="api", provider="wordpress"),
    ]
    rows = {row.connection_id: row for row in SyncSchedule.objects.all()}
    assert set(rows) == {connection.pk for connection in made}
    assert all(row.next_sync_at is None for row in rows.values())
    # The website's connection has no sync: the tick never takes it.
    assert [rows[c.pk].syncable for c in made] == [True, True, True, False]


def test_saving_other_fields_of_a_connection_does_not_write_its_schedule(
    tenants: Tenants, django_assert_num_queries: Any
) -> None:
    connection = make_connection(tenants.alpha)
    connection.remote_name = "Renamed"
    with django_assert_num_queries(1):
        connection.save(update_fields=["remote_name"])


def test_reconcile_makes_missing_schedules_and_follows_the_registry(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For what no save announces: connections inserted in bulk, and a deploy that changes
    which providers sync (reconcile runs after every migrate)."""
    kept = make_connection(tenants.alpha, remote_id="kept")
    bulk = Connection.objects.bulk_create(
        [Connection(organisation=tenants.alpha, provider="xero", remote_id="bulk")]
    )[0]
    assert not SyncSchedule.objects.filter(connection=bulk).exists()

    assert schedule.reconcile() == 2  # bulk's row made, then made syncable
    assert SyncSchedule.objects.get(connection=bulk).syncable
    assert sorted(syncs.claim_due()) == sorted([kept.pk, bulk.pk])

    monkeypatch.setattr(schedule, "syncing_slugs", lambda: ["quickbooks"])  # xero's sync gone
    assert schedule.reconcile() == 2
    assert not SyncSchedule.objects.filter(syncable=True).exists()


def test_a_state_changed_behind_the_schedules_back_is_claimed_once_then_told(
    tenants: Tenants,
) -> None:
    """A queryset update of a connection's state sends no signal: the tick claims it once,
    and the sync it sends refuses and tells the schedule."""
    connection = make_connection(tenants.alpha)
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.ERROR)
    assert syncs.claim_due() == [connection.pk]
    assert syncs.sync_connection(connection.pk) is None
    assert not SyncSchedule.objects.get(connection=connection).syncable
    assert not taken_by_the_tick(connection)


def test_pull_in_moves_a_later_sync_earlier_and_never_postpones(tenants: Tenants) -> None:
    now, grant = timezone.now(), make_grant(tenants.alpha)
    later = make_connection(
        tenants.alpha, grant, remote_id="later", next_sync_at=now + timedelta(hours=1)
    )
    sooner = make_connection(tenants.alpha, grant, remote_id="sooner", next_sync_at=now)
    never = make_connection(tenants.alpha, grant, remote_id="never")
    at = now + timedelta(minutes=2)
    schedule.pull_in([later.pk, sooner.pk, never.pk], at)
    got = dict(SyncSchedule.objects.values_list("connection_id", "next_sync_at"))
    assert got == {later.pk: at, sooner.pk: now, never.pk: None}


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_a_finished_run_records_the_last_sync_and_schedules_the_next(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch, vendor: str
) -> None:
    monkeypatch.setattr(db, "vendor", vendor)
    connection = make_connection(tenants.alpha)
    run = runs.finish(runs.start(connection, SyncRun.Trigger.MANUAL), read_provider=True)
    connection.refresh_from_db()
    assert connection.last_sync_at == run.finished_at
    assert connection.last_poll_at == run.started_at
    next_at = SyncSchedule.objects.get(connection=connection).next_sync_at
    assert run.finished_at is not None and next_at is not None
    interval = timedelta(minutes=tenants.alpha.sync_interval_minutes)
    assert interval <= next_at - run.finished_at < interval + timedelta(seconds=5)
