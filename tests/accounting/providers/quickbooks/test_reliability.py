"""The engine's reliability tests against the QuickBooks sandbox: a crash after the batch
was applied, a fifth of calls failing, 429s, and a worker killed mid-push."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from accounting.models import Entity, ExternalRef
from accounting.providers.quickbooks.adapter import QuickBooksAdapter
from integrations import http
from integrations.errors import RateLimited
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import Customer, Invoice
from sandbox.quickbooks import books, faults, inspect
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.accounting.worker_crash import (
    INVOICES,
    kill_mid_push_then_sync_again,
    linked_invoices,
)
from tests.conftest import Tenants


def world(tenants: Tenants, customers: int, invoices: int) -> tuple[list[Customer], list[Invoice]]:
    people = [
        factories.make_customer(tenants.alpha, name=f"Reliable customer {n}", currency="USD")
        for n in range(customers)
    ]
    made = [
        factories.make_issued_invoice(tenants.alpha, people[n % customers]) for n in range(invoices)
    ]
    return people, made


def doc_numbers() -> list[str]:
    return [str(row.data.get("DocNumber")) for row in books.invoices_of(helpers.US_REALM)]


def test_a_crash_after_quickbooks_applied_a_batch_creates_nothing_twice(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.engine import push as push_module

    _, invoices = world(tenants, 3, 3)
    helpers.map_everything(connected)
    real_apply = push_module._apply
    crashed: list[bool] = []

    def crash_once(run: SyncRun, entity: str, *rest: Any) -> None:
        if entity == Entity.INVOICE and not crashed:
            crashed.append(True)
            raise RuntimeError("worker killed after QuickBooks answered")
        real_apply(run, entity, *rest)

    monkeypatch.setattr(push_module, "_apply", crash_once)
    with pytest.raises(RuntimeError):
        sync(connected)
    sync(connected)

    for invoice in invoices:
        assert doc_numbers().count(invoice.number) == 1
    assert linked_invoices() == 3
    sent = AuditEntry.objects.filter(entity=Entity.INVOICE, method="POST").order_by("pk")
    keys = [entry.idempotency_key for entry in sent]
    assert len(keys) == 2 and len(set(keys)) == 1  # the same batch, the same requestid
    assert all(f"requestid={keys[0]}" in entry.url for entry in sent)
    assert sent[0].response_body.split('"time"')[0] == sent[1].response_body.split('"time"')[0]


def short_429_waits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Intuit sends no Retry-After and asks for 60 seconds' patience: tests wait one."""
    seen: list[int] = []

    def rate_limited(response: requests.Response) -> RateLimited:
        seen.append(response.status_code)
        return RateLimited("the provider is rate limiting (test)", 1.0, "")

    monkeypatch.setattr(http, "rate_limited", rate_limited)
    return seen


def test_a_fifth_of_calls_failing_ends_with_no_duplicates_and_nothing_missing(
    connected: Connection, tenants: Tenants, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    short_429_waits(monkeypatch)
    settings.SANDBOX_QUICKBOOKS_SECOND_LIMIT = 100  # many calls, quickly (not in the bench)
    monkeypatch.setattr(QuickBooksAdapter, "batch_size", 10)  # more calls, more chances to fail
    customers, invoices = world(tenants, 10, 120)
    helpers.map_everything(connected)
    books.set_fail_ratio(0.2, seed=7)
    statuses = []
    for _ in range(25):
        run = sync(Connection.objects.get(pk=connected.pk))
        statuses.append(run.status)
        unfinished = ExternalRef.objects.exclude(state=ExternalRef.State.LINKED)
        if run.status == SyncRun.Status.SUCCEEDED and not unfinished.exists():
            break
    books.set_fail_ratio(0)

    assert SyncRun.Status.FAILED in statuses  # the faults did bite
    numbers = [n for n in doc_numbers() if n in {i.number for i in invoices}]
    assert sorted(numbers) == sorted(i.number for i in invoices)  # each exactly once
    assert linked_invoices() == 120
    names = [r.data["DisplayName"] for r in books.customers_of(helpers.US_REALM)]
    assert sorted(n for n in names if n.startswith("Reliable")) == sorted(c.name for c in customers)


def test_quickbooks_429s_are_waited_out_and_the_push_completes(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = short_429_waits(monkeypatch)
    _, invoices = world(tenants, 2, 4)
    helpers.map_everything(connected)
    faults.throttle_api(minutes=0.03)  # every call answered 429 for about two seconds

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert refused and set(refused) == {429}
    assert sorted(n for n in doc_numbers() if n.startswith("INV-")) == sorted(
        i.number for i in invoices
    )


def test_our_own_pace_never_meets_a_429(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Intuit's 10 a second at its real value: the throttle keeps the push under it."""
    world(tenants, 40, 40)
    helpers.map_everything(connected)
    monkeypatch.setattr(QuickBooksAdapter, "batch_size", 2)  # 20 + 20 batch calls, fast

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert inspect.api_call_count(status=429) == 0
    assert linked_invoices() == 40


@pytest.mark.slow
def test_killing_the_worker_mid_push_neither_duplicates_nor_loses_an_invoice(
    connected: Connection, live_server: Any, settings: Any, tenants: Tenants
) -> None:
    _, invoices = world(tenants, 20, INVOICES)
    helpers.map_everything(connected)

    env = {
        "PATCHBAY_PUBLIC_BASE_URL": live_server.url,
        "SANDBOX_QUICKBOOKS_WEBHOOK_URL": "",
        "SANDBOX_QUICKBOOKS_DISCONNECT_URL": "",
    }
    kill_mid_push_then_sync_again(connected.pk, faults, kill_after=30, env=env)

    numbers = {invoice.number for invoice in invoices}
    pushed = [n for n in doc_numbers() if n in numbers]
    assert sorted(pushed) == sorted(numbers)  # each exactly once
