"""Problems with an accounting connection, driven through the Xero sandbox and the real
engine: revoked at the provider, degraded for over an hour, the daily limit, three failed
syncs in a row, and reviews waiting over a day. Each mails those who can act, once, and
its recovery closes the notice and says so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounting.engine.sync import run_sync
from accounting.models import Review
from attention.kinds import Kind
from attention.scan import scan
from integrations.models import Connection, OAuthGrant, SyncRun
from sandbox.xero import books, controls
from sandbox.xero import faults as xero_faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import SANDBOX_USER, connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.attention.helpers import open_notices, recipients
from tests.conftest import Tenants, client_for

MANAGERS = ["integration_manager@alpha.test", "owner@alpha.test"]


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.make_issued_invoice(tenants.alpha)  # something to push, and its categories
    map_everything(connection)
    return connection


def sync(connection: Connection) -> SyncRun:
    return run_sync(
        Connection.objects.select_related("organisation").get(pk=connection.pk), "schedule"
    )


def test_an_app_revoked_in_xero_mails_the_managers_once_and_reconnecting_closes_it(
    connected: Connection, tenants: Tenants
) -> None:
    controls.revoke_app_for(SANDBOX_USER)
    # The access token lapses: the next call refreshes, and Xero says invalid_grant.
    OAuthGrant.objects.filter(connections=connected).update(access_expires_at=timezone.now())
    sync(connected)
    assert Connection.objects.get().state == Connection.State.ERROR

    scan()
    scan()  # the problem is still there: no second notice, no second mail

    assert recipients("needs Reconnect") == MANAGERS
    [notice] = open_notices(Kind.CONNECTION_ERROR)
    assert "Xero (Demo Company (UK)) needs Reconnect" in notice.title
    manager_page = client_for(tenants.manager).get("/settings/integrations/").content.decode()
    assert "Needs attention" in manager_page and notice.title in manager_page
    books_page = client_for(tenants.bookkeeper).get("/settings/integrations/").content.decode()
    assert notice.title not in books_page  # a bookkeeper cannot reconnect

    connect_through_sandbox(client_for(tenants.manager))
    assert Connection.objects.get().state == Connection.State.CONNECTED
    scan()
    scan()

    assert open_notices(Kind.CONNECTION_ERROR) == []
    assert recipients("Recovered: Xero (Demo Company (UK)) needs Reconnect") == MANAGERS
    assert recipients("needs Reconnect") == sorted(MANAGERS * 2)  # the problem, its recovery
    notice.refresh_from_db()
    assert notice.closed_at is not None and "works again" in notice.recovery


def test_a_connection_degraded_for_over_an_hour_mails_once_and_recovers(
    connected: Connection, tenants: Tenants
) -> None:
    xero_faults.start_api_outage()
    sync(connected)
    assert Connection.objects.get().state == Connection.State.DEGRADED

    scan()
    assert recipients("degraded") == []  # not an hour yet
    later = timezone.now() + timedelta(minutes=61)
    scan(later)
    scan(later + timedelta(minutes=5))
    assert recipients("degraded for over an hour") == MANAGERS

    xero_faults.clear_faults()
    run = sync(connected)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert Connection.objects.get().state == Connection.State.CONNECTED
    scan(later + timedelta(minutes=10))
    assert open_notices(Kind.CONNECTION_DEGRADED) == []
    assert recipients("Recovered:") == MANAGERS


def test_the_daily_limit_reached_mails_the_managers_once(
    connected: Connection, tenants: Tenants, settings: Any
) -> None:
    settings.SANDBOX_XERO_DAY_LIMIT = 2
    sync(connected)
    connection = Connection.objects.get()
    assert "daily limit" in connection.reason, connection.reason

    scan()
    scan()

    assert recipients("reached the provider's daily limit") == MANAGERS
    assert open_notices(Kind.CONNECTION_DEGRADED) == []  # the limit is its own notice


def test_three_failed_syncs_in_a_row_mail_once_not_per_run(
    connected: Connection, tenants: Tenants
) -> None:
    xero_faults.start_api_errors()
    statuses = []
    for _ in range(4):
        statuses.append(sync(connected).status)
        scan()
        if len(statuses) == 2:
            assert recipients("syncs failed") == []  # two is not yet a pattern
    assert statuses == [SyncRun.Status.FAILED] * 4

    assert recipients("the last 3 syncs failed") == MANAGERS

    xero_faults.clear_faults()
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    scan()
    assert open_notices(Kind.SYNC_FAILING) == []
    assert recipients("Recovered: Xero (Demo Company (UK)): the last 3 syncs failed") == MANAGERS


def test_a_review_waiting_over_a_day_mails_those_who_can_resolve_it(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_customer(tenants.alpha, name="Blue Room Events")
    second = factories.make_customer(tenants.alpha, name="Blue Room Events")
    books.create_contact(DEMO_COMPANY_UK, "Blue Room Events")
    sync(connected)
    review = Review.objects.get(kind=Review.Kind.MATCH)

    scan()
    assert recipients("waited over a day") == []
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    scan(tomorrow)
    scan(tomorrow)

    assert recipients("1 review or conflict has waited over a day") == [
        "bookkeeper@alpha.test",
        *MANAGERS,
    ]
    client_for(tenants.bookkeeper).post(
        f"/settings/accounting/reviews/{review.pk}/resolve/", {"choice": str(second.pk)}
    )
    scan(tomorrow)
    assert open_notices(Kind.REVIEWS_WAITING) == []
    assert len(recipients("Recovered:")) == 3
