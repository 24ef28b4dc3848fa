"""An outage injected through the Xero sandbox's fault switch, met by real syncs (whose
calls the engine audits), shows on the status page after one run of the beat task."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounting.engine.sync import run_sync
from integrations.models import AuditEntry, Connection, SyncRun
from sandbox.xero import faults
from status.tasks import summarise_provider_health
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for
from tests.status.helpers import level, section


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    return Connection.objects.select_related("organisation").get()


def test_a_xero_outage_from_the_fault_switch_shows_after_one_beat_run(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    healthy = run_sync(connected, SyncRun.Trigger.MANUAL)
    assert healthy.status == SyncRun.Status.SUCCEEDED, healthy.errors
    summarise_provider_health.apply()
    assert level(Client().get("/status/").content.decode(), "xero") == "operational"

    faults.start_api_outage(minutes=10)
    factories.make_issued_invoice(tenants.alpha)
    for _ in range(3):
        failed = run_sync(connected, SyncRun.Trigger.SCHEDULE)
        assert failed.status != SyncRun.Status.SUCCEEDED
    summarise_provider_health.apply()

    outage_calls = AuditEntry.objects.filter(connection=connected, status_code=503).count()
    assert outage_calls >= 3
    body = Client().get("/status/").content.decode()
    assert level(body, "xero") in ("degraded", "down")
    assert f"({outage_calls})" in section(body, "xero")  # the failed calls, counted
