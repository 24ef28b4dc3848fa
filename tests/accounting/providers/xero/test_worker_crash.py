"""SIGKILL the worker in the middle of a push to Xero: nothing is duplicated, nothing lost."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.models import Connection
from sandbox.xero import books, faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.accounting.worker_crash import INVOICES, kill_mid_push_then_sync_again
from tests.conftest import Tenants, client_for


@pytest.mark.slow
def test_killing_the_worker_mid_push_neither_duplicates_nor_loses_an_invoice(
    xero_sandbox: str, live_server: Any, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.get()
    customers = [
        factories.make_customer(tenants.alpha, name=f"Crash customer {n}") for n in range(20)
    ]
    invoices = [
        factories.make_issued_invoice(tenants.alpha, customers[n % 20]) for n in range(INVOICES)
    ]
    map_everything(connection)

    env = {"PATCHBAY_PUBLIC_BASE_URL": live_server.url}
    kill_mid_push_then_sync_again(connection.pk, faults, kill_after=50, env=env)

    numbers = {invoice.number for invoice in invoices}
    pushed = [i.reference for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference in numbers]
    assert sorted(pushed) == sorted(numbers)  # each exactly once
