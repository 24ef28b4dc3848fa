"""Connections held against the Xero sandbox over real HTTP (the live test server)."""

from __future__ import annotations

import logging
import subprocess
import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection as db_connection
from django.db import connections
from django.utils import timezone

from accounting.providers.xero import client as xero
from integrations.errors import GrantInvalid, ProviderUnavailable
from integrations.models import Connection, OAuthGrant
from integrations.tasks import recover_degraded
from integrations.tokens import refresh_grant
from sandbox.xero import controls, faults, inspect
from tests.accounting.providers.xero.sandbox_flow import SANDBOX_USER, connect_through_sandbox
from tests.conftest import Tenants, client_for

WORKERS = 20


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = [
        *settings.SANDBOX_XERO_REDIRECT_URIS,
        "http://testserver/settings/integrations/xero/callback/",
    ]
    response = connect_through_sandbox(client_for(tenants.owner))
    assert response["Location"].endswith("org=Demo+Company+%28UK%29"), response["Location"]
    return Connection.objects.get()


def expire_access_token(connection: Connection) -> None:
    OAuthGrant.objects.filter(connections=connection).update(access_expires_at=timezone.now())


def test_refresh_is_single_flight_across_workers(connected: Connection) -> None:
    superseded = OAuthGrant.objects.get().refresh_token
    expire_access_token(connected)
    start = threading.Barrier(WORKERS)
    names: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            names.append(xero.organisation(Connection.objects.get(pk=connected.pk))["Name"])
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert names == ["Demo Company (UK)"] * WORKERS
    assert inspect.count_refreshes() == 1
    organisation_calls = [c for c in inspect.api_calls() if c.path.endswith("/Organisation")]
    assert [c.status for c in organisation_calls] == [200] * WORKERS
    refresh_grant(OAuthGrant.objects.get().pk, seen_version=OAuthGrant.objects.get().version)
    assert len(inspect.refresh_presentations(superseded)) == 1
    assert inspect.superseded_presentations() == []


def test_an_expired_refresh_token_turns_the_card_red_at_the_next_call(
    connected: Connection, tenants: Tenants
) -> None:
    controls.expire_refresh_tokens_for(SANDBOX_USER)
    expire_access_token(connected)
    with pytest.raises(GrantInvalid):
        xero.organisation(connected)
    connected.refresh_from_db()
    assert connected.state == Connection.State.ERROR
    page = client_for(tenants.manager).get("/settings/integrations/").content.decode()
    assert ">Error<" in page and ">Reconnect<" in page


def test_a_five_minute_token_outage_degrades_and_recovers_by_itself(connected: Connection) -> None:
    faults.start_token_outage(minutes=5)
    expire_access_token(connected)
    with pytest.raises(ProviderUnavailable):
        xero.organisation(connected)
    connected.refresh_from_db()
    assert connected.state == Connection.State.DEGRADED

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        recover_degraded()  # still inside the outage: stays degraded, never error
        connected.refresh_from_db()
        assert connected.state == Connection.State.DEGRADED
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=True):
        assert recover_degraded() == 1
    connected.refresh_from_db()
    assert connected.state == Connection.State.CONNECTED
    assert connected.reason == ""


def test_a_database_dump_holds_no_issued_token_in_clear(connected: Connection) -> None:
    grant = OAuthGrant.objects.get()
    database = db_connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            database["HOST"],
            "-p",
            str(database["PORT"]),
            "-U",
            database["USER"],
            "--data-only",
            database["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "integrations_oauthgrant" in dump
    assert grant.access_token not in dump
    assert grant.refresh_token not in dump
    assert grant.access_token.split(".")[1] not in dump  # not even the JWT's claims


def test_tokens_never_reach_the_logs_or_the_pages(
    xero_sandbox: str, settings: Any, tenants: Tenants, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    caplog.set_level(logging.DEBUG)
    client = client_for(tenants.owner)
    connect_through_sandbox(client)
    connection = Connection.objects.get()
    first = OAuthGrant.objects.get()
    expire_access_token(connection)
    xero.organisation(connection)
    grant = OAuthGrant.objects.get()
    pages = "".join(
        client.get(url).content.decode()
        for url in (
            "/settings/integrations/",
            f"/settings/integrations/xero/connections/{connection.pk}/",
        )
    )
    events = " ".join(connection.events.values_list("message", flat=True))
    for secret in (
        first.access_token,
        first.refresh_token,
        grant.access_token,
        grant.refresh_token,
    ):
        assert secret not in caplog.text
        assert secret not in pages
        assert secret not in events
