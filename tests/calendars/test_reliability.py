"""The calendar push under the failures that happen: a worker killed mid-push, providers
failing a fifth of their calls, a user disconnecting while their push runs. Against the
three sandboxes (Google and Graph emulators on the live server, a real Radicale), with
real Celery workers where the test is about them."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat

from calendars.models import EventLink
from config.celery import app as celery_app
from integrations.models import Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import Project
from sandbox.google_calendar import faults as google_faults
from sandbox.icloud.server import ICloudSandbox
from sandbox.microsoft_graph import faults as graph_faults
from tests.accounting.worker_crash import wait_for
from tests.calendars.fleet import (
    Fleet,
    assign_everyone,
    expected_ids,
    icloud_users,
    make_fleet,
    point_at_sandboxes,
    stored,
)
from tests.conftest import Tenants, client_for
from tests.workers import start_worker

LEASE_SECONDS = 3  # a killed run's lease, so the next worker takes over soon
SANDBOX_SETTINGS = {
    "SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC": False,
    "SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS": 0,
    "SANDBOX_GRAPH_NOTIFY_ASYNC": False,
    "SANDBOX_GRAPH_RETRY_AFTER": "0.05",
    "SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER": 0,
}


@pytest.fixture
def icloud(tmp_path: Path) -> Iterator[ICloudSandbox]:
    with ICloudSandbox(tmp_path / "icloud", icloud_users(8)) as sandbox:
        yield sandbox


@pytest.fixture
def sandboxes(
    live_server: Any, settings: Any, transactional_db: None, icloud: ICloudSandbox
) -> Iterator[str]:
    for name, value in SANDBOX_SETTINGS.items():
        setattr(settings, name, value)
    point_at_sandboxes(live_server.url, icloud, settings)
    yield live_server.url
    google_faults.clear_faults()
    graph_faults.clear_faults()


def active_links() -> int:
    return EventLink.objects.filter(state=EventLink.State.ACTIVE).count()


def assert_each_event_exactly_once(fleet: Fleet) -> None:
    for member in fleet.members:
        held = stored(member, fleet)
        wanted = expected_ids(member)
        links = EventLink.objects.filter(connection=member.connection)
        assert links.exclude(state=EventLink.State.ACTIVE).count() == 0, member.account
        assert set(held) == wanted, f"{member.account}: {len(held)} held, {len(wanted)} linked"


def run_everyone(fleet: Fleet) -> None:
    for member in fleet.members:
        sync_connection.delay(member.connection.pk, SyncRun.Trigger.MANUAL)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_killing_the_worker_mid_push_leaves_every_event_exactly_once_everywhere(
    sandboxes: str, tenants: Tenants, icloud: ICloudSandbox
) -> None:
    fleet = make_fleet(tenants.alpha, icloud, {"google-calendar": 7, "outlook": 7, "icloud": 6})
    assign_everyone(fleet, each=100)  # 2,000 events for 20 users
    env = {**fleet.worker_env(sandboxes), "SYNC_RUN_LEASE_SECONDS": str(LEASE_SECONDS)}
    google_faults.switch.slow_api(0.01)
    graph_faults.slow_api(0.01)
    icloud.faults.slow(0.01)  # so that the kill lands in the middle of a push
    celery_app.control.purge()

    worker = start_worker(**env)
    try:
        run_everyone(fleet)
        # Killed while a run holds a connection (not in the moment between two tasks,
        # where nothing is left to interrupt: CI once landed there).
        assert wait_for(lambda: active_links() >= 300 and _a_run_is_going(), 300), active_links()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    assert 300 <= active_links() < 2000
    google_faults.clear_faults()
    graph_faults.clear_faults()
    icloud.faults.slow(0)

    worker = start_worker(**env)
    try:
        time.sleep(LEASE_SECONDS + 0.5)  # the killed run's lease lapses
        run_everyone(fleet)
        assert wait_for(lambda: active_links() == 2000 and _all_settled(fleet), 420), active_links()
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert_each_event_exactly_once(fleet)
    assert SyncRun.objects.filter(status=SyncRun.Status.INTERRUPTED).exists()


def _a_run_is_going() -> bool:
    return SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exists()


def _all_settled(fleet: Fleet) -> bool:
    return not _a_run_is_going() and all(
        len(stored(member, fleet)) == 100 for member in fleet.members
    )


def sync_until_settled(fleet: Fleet, rounds: int = 40) -> int:
    """Sync everyone in this process until a round writes nothing and fails nothing."""
    for done in range(1, rounds + 1):
        outcomes = []
        for member in fleet.members:
            run = SyncRun.objects.get(
                pk=sync_connection(member.connection.pk, SyncRun.Trigger.MANUAL) or 0
            )
            outcomes.append(
                run.status == SyncRun.Status.SUCCEEDED and not run.counts.get("written")
            )
        if all(outcomes):
            return done
    raise AssertionError(f"still failing after {rounds} rounds")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_providers_failing_a_fifth_of_calls_end_with_every_event_right_and_none_twice(
    sandboxes: str, tenants: Tenants, icloud: ICloudSandbox
) -> None:
    fleet = make_fleet(tenants.alpha, icloud, {"google-calendar": 2, "outlook": 2, "icloud": 2})
    assign_everyone(fleet, each=20)
    google_faults.flaky_api(0.2, seed=7)
    graph_faults.flaky_api(0.2, seed=11)
    icloud.faults.flaky(0.2, seed=13)

    sync_until_settled(fleet)
    Project.objects.update(name=Concat(F("name"), Value(" (moved)")))  # every event changes
    sync_until_settled(fleet)

    assert google_faults.switch.injected_failures() > 0
    assert graph_faults.switch.injected_failures() > 0
    assert icloud.faults.injected > 0
    google_faults.clear_faults()
    graph_faults.clear_faults()
    icloud.faults.flaky(0)
    assert_each_event_exactly_once(fleet)
    for member in fleet.members:
        titles = set(stored(member, fleet).values())
        assert titles == {f"Tour leg {n} (moved)" for n in range(20)}, member.account


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("provider", ["google-calendar", "outlook", "icloud"])
def test_disconnecting_during_a_push_stops_the_writes_and_removes_what_was_written(
    sandboxes: str, tenants: Tenants, icloud: ICloudSandbox, provider: str
) -> None:
    fleet = make_fleet(tenants.alpha, icloud, {provider: 1})
    [member] = fleet.members
    assign_everyone(fleet, each=60)
    google_faults.switch.slow_api(0.1)
    graph_faults.slow_api(0.1)
    icloud.faults.slow(0.1)
    celery_app.control.purge()
    worker = start_worker(**fleet.worker_env(sandboxes))
    try:
        sync_connection.delay(member.connection.pk, SyncRun.Trigger.MANUAL)
        assert wait_for(lambda: active_links() >= 5, 120)
        page = f"/settings/integrations/{provider}/connections/{member.connection.pk}/disconnect/"
        response = client_for(member.user).post(page, {"remove_events": "1", "confirm": "yes"})
        assert response.status_code == 302
        written_at_disconnect = active_links()
        assert 5 <= written_at_disconnect < 60
        # The worker stops writing, then removes what was written with the credentials it
        # still holds for that, then revokes (or forgets the password).
        assert wait_for(lambda: not stored(member, fleet), 180), len(stored(member, fleet))
        time.sleep(1)
        assert stored(member, fleet) == {}
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    run = SyncRun.objects.get(connection=member.connection)
    assert run.status == SyncRun.Status.REFUSED
    assert "Disconnected while this sync ran" in run.errors[0]["message"]
    assert not EventLink.objects.filter(connection=member.connection).exists()
    connection = Connection.objects.get(pk=member.connection.pk)
    assert connection.state == Connection.State.DISCONNECTED
    assert connection.grant_id is None and connection.app_password_id is None
