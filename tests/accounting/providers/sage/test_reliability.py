"""Sage's failure modes against the sandbox: a crash after Sage applied a create, a fifth
of calls failing, 429s without Retry-After, five-minute tokens, and a lost refresh answer."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from accounting.models import Entity, ExternalRef
from accounting.providers.sage import provider as sage_provider
from integrations import oauth
from integrations.errors import ProviderUnavailable
from integrations.models import AuditEntry, Connection, OAuthGrant, SyncRun
from sandbox.sage import books, controls, faults, inspect
from sandbox.sage.seed import DEMO_HIRE_UK
from tests import factories
from tests.accounting.providers.sage.helpers import linked_invoices, sync
from tests.conftest import Tenants


def references_in_sage() -> list[str]:
    return [i.reference for i in books.invoices_of(DEMO_HIRE_UK)]


def test_a_crash_after_sage_applied_a_create_creates_nothing_twice(
    sage_connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.engine import push as push_module

    invoices = [
        factories.make_issued_invoice(
            tenants.alpha, factories.make_customer(tenants.alpha, name=f"Customer {n}")
        )
        for n in range(3)
    ]
    real_apply = push_module._apply
    crashed: list[bool] = []

    def crash_once(run: SyncRun, entity: str, *rest: Any) -> None:
        if entity == Entity.INVOICE and not crashed:
            crashed.append(True)
            raise RuntimeError("worker killed after Sage answered")
        real_apply(run, entity, *rest)

    monkeypatch.setattr(push_module, "_apply", crash_once)
    with pytest.raises(RuntimeError):
        sync(sage_connected)
    sync(sage_connected)

    for invoice in invoices:
        assert references_in_sage().count(invoice.number) == 1
    assert linked_invoices() == 3
    assert inspect.idempotent_replays() >= 1  # the resend was answered from Sage's memory
    assert inspect.idempotent_replays(with_other_body=True) == 0
    keys = list(
        AuditEntry.objects.filter(entity=Entity.INVOICE, method="POST").values_list(
            "idempotency_key", flat=True
        )
    )
    assert len(keys) == len(set(keys)) + 1  # exactly one id sent twice: the crashed one


def test_a_lost_answer_to_a_create_is_resent_with_the_same_idempotency_id(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)  # the customer and invoice exist; now a second invoice is lost
    second = factories.make_issued_invoice(tenants.alpha, invoice.customer)
    faults.commit_then_fail()

    failed = sync(sage_connected, allow_failure=True)
    faults.clear_faults()
    sync(sage_connected)

    assert failed.status == SyncRun.Status.FAILED
    assert references_in_sage().count(second.number) == 1
    assert ExternalRef.objects.get(entity=Entity.INVOICE, local_id=second.pk).state == "linked"
    assert inspect.idempotent_replays() == 1


def test_a_sandbox_failing_a_fifth_of_calls_ends_with_no_duplicates_and_nothing_missing(
    sage_connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    briefly = replace(sage_provider.RATE_LIMIT_BACKOFF, first_s=0.05)  # its 429s: wait briefly
    monkeypatch.setattr(sage_provider.SageProvider, "rate_limit_backoff", briefly)
    customers = [factories.make_customer(tenants.alpha, name=f"Flaky {n}") for n in range(10)]
    invoices = [factories.make_issued_invoice(tenants.alpha, customers[n % 10]) for n in range(60)]
    faults.flaky_api(0.2, seed=7)
    statuses = []
    for _ in range(30):
        run = sync(sage_connected, allow_failure=True)
        statuses.append(run.status)
        unfinished = ExternalRef.objects.exclude(state=ExternalRef.State.LINKED)
        if run.status == SyncRun.Status.SUCCEEDED and not unfinished.exists():
            break
    faults.clear_faults()

    assert SyncRun.Status.FAILED in statuses  # the faults did bite
    numbers = sorted(i.number for i in invoices)
    assert sorted(r for r in references_in_sage() if r in numbers) == numbers
    assert linked_invoices() == 60
    names = [c.name for c in books.contacts_of(DEMO_HIRE_UK) if c.name.startswith("Flaky")]
    assert sorted(names) == sorted(c.name for c in customers)


def test_429s_without_retry_after_back_off_exponentially_and_the_sync_carries_on(
    sage_connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[tuple[int, float]] = []
    real = sage_provider.SageProvider.unstated_retry_after

    def recorded(self: Any, attempt: int, default: float) -> float:
        waits.append((attempt, real(self, attempt, default)))
        return 0.7 * float(2**attempt)  # the same shape, shorter

    monkeypatch.setattr(sage_provider.SageProvider, "unstated_retry_after", recorded)
    invoice = factories.make_issued_invoice(tenants.alpha)
    faults.throttle_api(minutes=1.5 / 60)  # every call is a 429 for 1.5 seconds

    run = sync(sage_connected)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert references_in_sage().count(invoice.number) == 1
    assert [attempt for attempt, _ in waits][:2] == [0, 1]  # a growing back-off
    assert 1.5 <= waits[0][1] <= 2.5 and 3.0 <= waits[1][1] <= 5.0  # Sage's own: 2 s, 4 s


def test_sages_back_off_doubles_up_to_a_minute_with_jitter() -> None:
    provider = sage_provider.SageProvider()
    waits = [provider.unstated_retry_after(attempt, 60.0) for attempt in range(7)]
    for attempt, wait in enumerate(waits):
        nominal = min(60.0, 2.0 * 2**attempt)
        assert 0.75 * nominal <= wait <= 1.25 * nominal
    assert sum(waits[:5]) > 45  # five retries outlast most of a 60-second window


def test_five_minute_tokens_are_refreshed_single_flight_while_a_sync_runs(
    sage_sandbox: str, tenants: Tenants, settings: Any
) -> None:
    from tests.accounting.providers.sage.helpers import connect_through_sandbox, map_everything
    from tests.conftest import client_for

    settings.SANDBOX_SAGE_ACCESS_TOKEN_SECONDS = 101  # a second past Patchbay's margin
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    customers = [factories.make_customer(tenants.alpha, name=f"Token {n}") for n in range(4)]
    invoices = [factories.make_issued_invoice(tenants.alpha, customers[n % 4]) for n in range(12)]
    map_everything(connection)
    # Slow calls make the run outlast several token lifetimes past the margin (a fast
    # machine once finished it within the one second the token had left), and the
    # pause makes the token at hand due before the run starts.
    faults.slow_api(0.3)
    time.sleep(1.1)
    before = inspect.count_refreshes()

    run = sync(connection)

    faults.clear_faults()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert inspect.count_refreshes() - before >= 2  # it refreshed as it went...
    assert not inspect.superseded_presentations()  # ...never presenting a spent token
    assert inspect.count_refreshes("invalid_grant") == 0
    assert linked_invoices() == len(invoices)
    assert OAuthGrant.objects.get().status == OAuthGrant.Status.ACTIVE


def test_an_access_token_sage_expired_early_is_refreshed_on_its_401(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    controls.expire_access_tokens(controls.grant_for("sandbox.user@sage.test"))

    run = sync(sage_connected)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert references_in_sage().count(invoice.number) == 1
    assert inspect.api_call_count(status=401) == 1 and inspect.count_refreshes() == 1


def test_a_lost_refresh_answer_ends_in_reconnect_as_sage_keeps_no_grace(
    sage_connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sage rotated the refresh token but its answer never arrived: the old one is spent.
    Patchbay retries once, meets invalid_grant, and asks for a reconnect (it cannot
    recover the grant, and must not loop on it)."""
    real_refresh = oauth.refresh

    def lost(provider: Any, refresh_token: str) -> oauth.Token:
        real_refresh(provider, refresh_token)  # Sage rotates...
        raise ProviderUnavailable("could not reach the token endpoint (ReadTimeout)")

    factories.make_issued_invoice(tenants.alpha)
    controls.expire_access_tokens(controls.grant_for("sandbox.user@sage.test"))
    monkeypatch.setattr(oauth, "refresh", lost)
    first = sync(sage_connected, allow_failure=True)
    monkeypatch.setattr(oauth, "refresh", real_refresh)

    second = sync(sage_connected, allow_failure=True)

    assert first.status == SyncRun.Status.FAILED and second.status == SyncRun.Status.FAILED
    assert OAuthGrant.objects.get().status == OAuthGrant.Status.INVALID
    connection = Connection.objects.get()
    assert connection.state == Connection.State.ERROR
    assert inspect.count_refreshes("invalid_grant") == 1  # one retry, no loop
    third = sync(sage_connected, allow_failure=True)
    assert third.status == SyncRun.Status.FAILED
    assert inspect.count_refreshes("invalid_grant") == 1  # a dead grant is not presented again


def test_a_429_without_retry_after_is_marked_unstated_and_xero_keeps_its_minute() -> None:
    import requests

    from integrations.http import rate_limited
    from integrations.registry import provider_for

    bare = requests.Response()
    bare.status_code = 429
    told = requests.Response()
    told.status_code = 429
    told.headers["Retry-After"] = "7"

    assert (rate_limited(bare).stated, rate_limited(bare).retry_after) == (False, 60.0)
    assert (rate_limited(told).stated, rate_limited(told).retry_after) == (True, 7.0)
    assert provider_for("xero").unstated_retry_after(3, 60.0) == 60.0  # unchanged for Xero
