"""The push writes events in groups: one hold of the connection row, one INSERT of the
calls' audit rows and one round trip of link UPDATEs per group, not per event. A group is cut
by count and by time (a disconnect waits for one group at most), and a failure that
ends the run keeps what the group wrote before it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from calendars import push
from calendars.models import EventLink
from calendars.providers.icloud.adapter import ICloudAdapter
from calendars.providers.icloud.errors import ICloudUnavailable
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.retry import Backoff, RetryPolicy
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.test_sync_calls import icloud_connection, shifts, sync
from tests.conftest import Tenants

AUDIT_INSERT = f'INSERT INTO "{AuditEntry._meta.db_table}"'
LINK_UPDATE = f'UPDATE "{EventLink._meta.db_table}"'
TABLE = Connection._meta.db_table
# still_connected's look at the row (runs.start locks it too, by id alone).
ROW_HOLD = f'FROM "{TABLE}" WHERE ("{TABLE}"."id" = '
# Discovery's three PROPFINDs and the MKCALENDAR: each audited on its own, before any
# group.
SETUP_CALLS = 4


def statements(queries: CaptureQueriesContext, start: str) -> list[str]:
    """Statements sent, an executemany counted once (Django logs it as "N times: ...")."""
    return [q["sql"] for q in queries if q["sql"].split(" times: ", 1)[-1].startswith(start)]


def holds(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if ROW_HOLD in q["sql"] and '"state" IN (' in q["sql"] and q["sql"].endswith("FOR UPDATE")
    ]


def test_each_group_holds_the_row_once_and_saves_its_audit_and_links_in_one_round_trip_each(
    icloud: ICloudSandbox, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "GROUP_EVENTS", 5)
    monkeypatch.setattr(push, "GROUP_SECONDS", 3600.0)  # cut by count only here
    connection = icloud_connection(tenants)
    shifts(tenants, 11)  # and the project's days: 12 events, groups of 5, 5 and 2

    with CaptureQueriesContext(db_connection) as queries:
        run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert run.counts["written"] == 12
    assert len(holds(queries)) == 3
    assert len(statements(queries, AUDIT_INSERT)) == SETUP_CALLS + 3
    # One executemany per group, which psycopg sends as one pipeline.
    updates = statements(queries, LINK_UPDATE)
    assert [sql.split(" times: ")[0] for sql in updates] == ["5", "5", "2"]
    # One row per call all the same, in the order of the calls.
    audited = list(AuditEntry.objects.filter(run=run).order_by("id").values_list("method", "url"))
    seen = [(request.method, request.path) for request in icloud.faults.seen]
    assert [method for method, _ in audited] == [method for method, _ in seen]
    puts = [url for method, url in audited if method == "PUT"]
    assert len(puts) == 12
    assert set(puts) == set(
        EventLink.objects.filter(connection=connection).values_list("remote_id", flat=True)
    )
    assert not EventLink.objects.exclude(state=EventLink.State.ACTIVE).exists()


def test_a_group_takes_no_new_event_once_its_time_is_up(
    icloud: ICloudSandbox, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "GROUP_SECONDS", 0.0)  # every event is its own group
    connection = icloud_connection(tenants)
    shifts(tenants, 3)  # 4 events

    with CaptureQueriesContext(db_connection) as queries:
        run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert len(holds(queries)) == 4
    assert len(statements(queries, LINK_UPDATE)) == 4


def test_an_outage_mid_group_keeps_what_the_group_wrote_before_it(
    icloud: ICloudSandbox, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "GROUP_SECONDS", 3600.0)
    monkeypatch.setattr(push, "OUTAGE_RETRIES", RetryPolicy(Backoff.scheduled((0.0, 0.0))))
    connection = icloud_connection(tenants)
    shifts(tenants, 7)  # 8 events, one group
    real_put = ICloudAdapter.put
    puts: list[str] = []

    def put_until_the_fifth(self: ICloudAdapter, *args: Any) -> Any:
        puts.append("put")
        if len(puts) >= 5:  # down from the fifth on, however often it is tried
            raise ICloudUnavailable("iCloud answered 500")
        return real_put(self, *args)

    monkeypatch.setattr(ICloudAdapter, "put", put_until_the_fifth)

    run = sync(connection)

    assert run.status == SyncRun.Status.FAILED
    assert "iCloud answered 500" in run.errors[0]["message"]
    links = EventLink.objects.filter(connection=connection)
    active = links.filter(state=EventLink.State.ACTIVE).exclude(remote_id="")
    assert active.count() == 4  # written, and committed though the run failed after
    assert links.filter(remote_id="").count() == 4  # keys only: the next run writes them
    assert AuditEntry.objects.filter(run=run, method="PUT").count() == 4
    assert [request.method for request in icloud.faults.seen].count("PUT") == 4
    assert len(puts) == 4 + 3  # the fifth tried three times before the run ended

    monkeypatch.setattr(ICloudAdapter, "put", real_put)
    again = sync(connection)

    assert again.status == SyncRun.Status.SUCCEEDED, again.errors
    assert again.counts["written"] == 4
    assert links.filter(state=EventLink.State.ACTIVE).exclude(remote_id="").count() == 8


def test_a_passing_outage_is_tried_again_within_the_run(
    icloud: ICloudSandbox, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "OUTAGE_RETRIES", RetryPolicy(Backoff.scheduled((0.0, 0.0))))
    connection = icloud_connection(tenants)
    shifts(tenants, 3)  # 4 events
    real_put = ICloudAdapter.put
    puts: list[str] = []

    def put_failing_twice(self: ICloudAdapter, *args: Any) -> Any:
        puts.append("put")
        if len(puts) in (2, 3):
            raise ICloudUnavailable("iCloud answered 502")
        return real_put(self, *args)

    monkeypatch.setattr(ICloudAdapter, "put", put_failing_twice)

    run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert run.counts["written"] == 4 and len(puts) == 6
    links = EventLink.objects.filter(connection=connection, state=EventLink.State.ACTIVE)
    assert links.exclude(remote_id="").count() == 4
    assert [request.method for request in icloud.faults.seen].count("PUT") == 4


def test_a_disconnect_between_groups_stops_the_push_before_the_next(
    icloud: ICloudSandbox, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "GROUP_EVENTS", 3)
    monkeypatch.setattr(push, "GROUP_SECONDS", 3600.0)
    connection = icloud_connection(tenants)
    shifts(tenants, 7)  # 8 events: the first group of 3 is written
    real_put = ICloudAdapter.put
    puts: list[str] = []

    def disconnected_after_the_third(self: ICloudAdapter, *args: Any) -> Any:
        written = real_put(self, *args)
        puts.append("put")
        if len(puts) == 3:  # as a disconnect does, waiting for this group to end
            Connection.objects.filter(pk=connection.pk).update(state=Connection.State.DISCONNECTED)
        return written

    monkeypatch.setattr(ICloudAdapter, "put", disconnected_after_the_third)

    run = sync(connection)

    assert run.status == SyncRun.Status.REFUSED
    assert "Disconnected while this sync ran" in run.errors[0]["message"]
    assert [request.method for request in icloud.faults.seen].count("PUT") == 3
    assert EventLink.objects.filter(connection=connection).exclude(remote_id="").count() == 3
