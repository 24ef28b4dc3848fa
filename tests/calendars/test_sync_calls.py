"""What one calendar sync costs: at the provider, a calendar Patchbay makes on the first
sync is written to, never listed (nothing can be missing from it yet), and the next sync
with nothing changed makes no call at all (iCloud: one way, reconciled daily); in the
database, no statements per event beyond the write's own."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from calendars.models import CalendarTarget
from integrations.models import Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import CrewAssignment, Project
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.conftest import APP_PASSWORD, APPLE_ID
from tests.conftest import Tenants
from tests.factories import make_customer, make_project
from tests.integrations.helpers import make_password_connection


def icloud_connection(tenants: Tenants) -> Connection:
    connection = make_password_connection(
        tenants.alpha, tenants.crew, APPLE_ID, password=APP_PASSWORD
    )
    CalendarTarget.objects.create(
        organisation=tenants.alpha, connection=connection, name="Patchbay", made_by_patchbay=True
    )
    return connection


def shifts(tenants: Tenants, count: int) -> None:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CONFIRMED)
    for n in range(count):
        start = project.starts_at + timedelta(days=n)
        CrewAssignment.objects.create(
            organisation=tenants.alpha,
            project=project,
            user=tenants.crew,
            role="Rigger",
            starts_at=start,
            ends_at=start + timedelta(hours=8),
        )


def sync(connection: Connection) -> SyncRun:
    run_id = sync_connection(connection.pk, SyncRun.Trigger.MANUAL)
    assert run_id is not None
    return SyncRun.objects.get(pk=run_id)


def test_the_first_sync_makes_the_calendar_and_writes_without_listing_it(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    connection = icloud_connection(tenants)
    shifts(tenants, 3)  # and the project's days: 4 events

    run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    methods = [seen.method for seen in icloud.faults.seen]
    # Discovery (well-known, principal, home), the calendar, one PUT per event.
    assert methods == ["PROPFIND"] * 3 + ["MKCALENDAR"] + ["PUT"] * 4
    target = CalendarTarget.objects.get(connection=connection)
    assert target.reconciled_at is not None  # the day's reconcile is done: it was empty


def test_a_sync_with_nothing_changed_makes_no_call(icloud: ICloudSandbox, tenants: Tenants) -> None:
    connection = icloud_connection(tenants)
    shifts(tenants, 2)
    sync(connection)
    made = len(icloud.faults.seen)

    run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert len(icloud.faults.seen) == made


def test_new_events_get_their_links_in_one_statement_and_the_run_counts_them_all(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    connection = icloud_connection(tenants)
    shifts(tenants, 5)  # and the project's days: 6 events

    with CaptureQueriesContext(db_connection) as queries:
        run = sync(connection)

    link_inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "calendars_eventlink"')]
    assert len(link_inserts) == 1
    # Progress is saved now and then, not after each event (two statements a time).
    progress = [q for q in queries if q["sql"].startswith(f'UPDATE "{SyncRun._meta.db_table}"')]
    assert len(progress) < 6
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert (run.done, run.total) == (6, 6)
