"""The weekly bookkeeping summary: per accounting connection, what synced, what failed and
what waits for review, linking to the reconciliation; once a week, to those who can
resolve reviews, in a number of queries that does not grow with the connections."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting.models import Review
from attention.digest import send_weekly, week_of
from integrations import runs
from integrations.models import Connection, SyncRun
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.attention.helpers import recipients
from tests.attention.test_connection_notices import connected, sync  # noqa: F401
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_grant

SUBJECT = "Your week of accounting sync"


def test_the_week_of_a_xero_connection_reaches_its_bookkeepers_once(
    connected: Connection,  # noqa: F811
    tenants: Tenants,
) -> None:
    factories.make_customer(tenants.alpha, name="Blue Room Events")
    factories.make_customer(tenants.alpha, name="Blue Room Events")
    books.create_contact(DEMO_COMPANY_UK, "Blue Room Events")
    run = sync(connected)
    assert Review.objects.filter(resolution="").count() == 1, run.errors

    assert send_weekly() == 3
    assert send_weekly() == 0  # one a week

    assert recipients(SUBJECT) == [
        "bookkeeper@alpha.test",
        "integration_manager@alpha.test",
        "owner@alpha.test",
    ]
    body = mail.outbox[0].body
    assert "Xero (Demo Company (UK))" in body
    assert "Synced: " in body and " records in 1 runs" in body
    assert "Waiting for review: 1" in body
    assert "/settings/accounting/reconciliation/" in body


def test_a_member_who_turned_it_off_gets_none(tenants: Tenants) -> None:
    make_connection(tenants.alpha)
    # Every kind a bookkeeper chooses, with the weekly summary left unticked.
    form = {kind: "immediately" for kind in ("reviews_waiting", "calendar_reconnect")}
    answer = client_for(tenants.bookkeeper).post("/settings/notifications/preferences/", form)
    assert answer.status_code == 302

    send_weekly()

    assert "bookkeeper@alpha.test" not in recipients(SUBJECT)
    assert "owner@alpha.test" in recipients(SUBJECT)


def _finished_run(connection: Connection, status: str, **counts: int) -> None:
    run = runs.start(connection, SyncRun.Trigger.SCHEDULE)
    run.counts = counts
    run.save(update_fields=["counts"])
    runs.finish(run, status)


def _queries(tenants: Tenants) -> int:
    with CaptureQueriesContext(db) as captured:
        week_of([tenants.alpha.pk, tenants.bravo.pk], timezone.now())
    return len(captured)


def test_the_summary_reads_a_fixed_number_of_queries_whatever_the_connections(
    tenants: Tenants, settings: Any
) -> None:
    first = make_connection(tenants.alpha)
    _finished_run(first, SyncRun.Status.SUCCEEDED, created=4)
    few = _queries(tenants)
    for n in range(4):
        grant = make_grant(tenants.bravo, subject=f"xero-user-{n + 2}")
        more = make_connection(tenants.bravo, grant, remote_id=f"tenant-{n + 2}")
        _finished_run(more, SyncRun.Status.FAILED, errors=1)
        _finished_run(more, SyncRun.Status.SUCCEEDED, updated=2)

    assert _queries(tenants) == few
    weeks = week_of([tenants.bravo.pk], timezone.now())[tenants.bravo.pk]
    assert [(w.runs, w.failed_runs, w.synced, w.errors) for w in weeks] == [(2, 1, 2, 1)] * 4
