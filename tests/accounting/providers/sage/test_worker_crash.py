"""SIGKILL the worker in the middle of a push to Sage: nothing duplicated, nothing lost.

Sage takes one invoice per request, so the push is many small calls in parallel; the
kill lands between some of them being applied and their answers being saved. 500
invoices are more than a minute's 180 calls, so the second worker also meets Patchbay's
own rate budget."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.models import Connection
from sandbox.sage import faults, inspect
from tests import factories
from tests.accounting.providers.sage.test_reliability import references_in_sage
from tests.accounting.worker_crash import INVOICES, kill_mid_push_then_sync_again
from tests.conftest import Tenants


@pytest.mark.slow
def test_killing_the_worker_mid_push_neither_duplicates_nor_loses_an_invoice(
    sage_connected: Connection, live_server: Any, tenants: Tenants
) -> None:
    customers = [
        factories.make_customer(tenants.alpha, name=f"Crash customer {n}") for n in range(10)
    ]
    invoices = [
        factories.make_issued_invoice(tenants.alpha, customers[n % 10]) for n in range(INVOICES)
    ]

    env = {"PATCHBAY_PUBLIC_BASE_URL": live_server.url}
    kill_mid_push_then_sync_again(
        sage_connected.pk, faults, kill_after=20, env=env, finish_within=420
    )

    numbers = sorted(invoice.number for invoice in invoices)
    assert sorted(r for r in references_in_sage() if r in numbers) == numbers  # each once
    assert inspect.idempotent_replays(with_other_body=True) == 0
