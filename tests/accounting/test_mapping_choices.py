"""The mappings page reads a cached copy of the ledger's choices; a task fetches it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from django.conf import settings
from django.test import TestCase

from accounting import tasks
from accounting.models import AccountMapping, RemoteChoices
from integrations.models import AuditEntry, Connection
from tests.accounting.choices import fetch_choices
from tests.accounting.test_pages import (  # noqa: F401 - connected is a fixture
    ACCOUNTS,
    TAX_RATES,
    connected,
)
from tests.conftest import Tenants, client_for
from tests.outbound import refused_outbound

PAGE = "/settings/accounting/mappings/"


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Refreshes enqueued by the code under test (once committed), by connection id."""
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.refresh_remote_choices, "delay", enqueued.append)
    return enqueued


def committed() -> Any:
    """The test's transaction never commits: run what the code asked to do on commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def cached(connected: Connection) -> Connection:  # noqa: F811 - the fixture imported above
    with responses.RequestsMock() as mocked:
        mock_chart_on(mocked)
        fetch_choices(connected)
    return connected


def test_the_page_offers_the_cached_chart_without_calling_the_provider(
    cached: Connection, tenants: Tenants, queued: list[int]
) -> None:
    with refused_outbound() as calls, committed():
        page = client_for(tenants.owner).get(PAGE).content.decode()
    assert calls == [] and queued == []  # fresh enough: nothing asked of the worker
    assert "200 · Sales" in page and "Business Bank Account" in page
    assert "Refresh from Xero" in page and "hx-get" not in page


def test_without_a_cached_chart_the_page_says_so_polls_and_shows_saved_mappings(
    connected: Connection,  # noqa: F811
    tenants: Tenants,
    queued: list[int],
) -> None:
    AccountMapping.objects.create(
        organisation=tenants.alpha,
        connection=connected,
        kind=AccountMapping.Kind.PAYMENT_ACCOUNT,
        remote_code="090",
        remote_name="Business Bank Account",
    )
    with refused_outbound() as calls, committed():
        response = client_for(tenants.manager).get(PAGE)
    page = response.content.decode()
    assert calls == [] and queued == [connected.pk]
    assert "being fetched from Xero" in page
    panel = f"{PAGE}?connection={connected.pk}"
    assert f'hx-get="{panel}"' in page and f'href="{panel}"' in page
    assert "Payments account → Business Bank Account" in page  # saved, by the name stored


def test_saving_before_the_chart_arrives_is_refused_with_a_reason(
    connected: Connection,  # noqa: F811
    tenants: Tenants,
    queued: list[int],
) -> None:
    response = client_for(tenants.owner).post(PAGE, {"payment_account-0": "090"})
    assert response.status_code == 409
    assert "still being fetched, so nothing was saved" in response.content.decode()
    assert not AccountMapping.objects.exists()


def test_refresh_enqueues_once_and_the_panel_polls_until_the_task_has_run(
    cached: Connection, tenants: Tenants, queued: list[int]
) -> None:
    client = client_for(tenants.owner)
    refresh = f"/settings/accounting/connections/{cached.pk}/choices/refresh/"
    with refused_outbound() as calls, committed():
        assert client.post(refresh)["Location"] == f"{PAGE}?connection={cached.pk}"
        client.post(refresh)  # pressed again while it runs: not asked twice
        polled = client.get(f"{PAGE}?connection={cached.pk}", headers={"HX-Request": "true"})
    assert calls == [] and queued == [cached.pk]
    partial = polled.content.decode()
    assert "HX-Request" in polled["Vary"] and "<html" not in partial
    assert 'id="mapping-panel"' in partial and "hx-get" in partial
    assert "Refreshing the choices from Xero" in partial and "200 · Sales" in partial

    with responses.RequestsMock() as mocked:
        mock_chart_on(mocked)
        tasks.refresh_remote_choices(cached.pk)
    done = client.get(f"{PAGE}?connection={cached.pk}", headers={"HX-Request": "true"})
    assert "hx-get" not in done.content.decode() and "Refresh from Xero" in done.content.decode()


def mock_chart_on(mocked: responses.RequestsMock) -> None:
    mocked.add(responses.GET, f"{settings.XERO_API_BASE}/Accounts", json=ACCOUNTS)
    mocked.add(responses.GET, f"{settings.XERO_API_BASE}/TaxRates", json=TAX_RATES)


def test_the_task_fetches_through_the_audited_call_layer(
    connected: Connection,  # noqa: F811
) -> None:
    with responses.RequestsMock() as mocked:
        mock_chart_on(mocked)
        assert tasks.refresh_remote_choices(connected.pk) is True
    row = RemoteChoices.objects.get(connection=connected)
    assert row.organisation_id == connected.organisation_id and row.fetched_at is not None
    assert [a["code"] for a in row.choices["accounts"]] == ["200", "090"]
    assert [t["code"] for t in row.choices["tax_rates"]] == ["OUTPUT2"]
    audited = AuditEntry.objects.filter(connection=connected).values_list("url", flat=True)
    assert {url.rsplit("/", 1)[-1] for url in audited} >= {"Accounts", "TaxRates"}


def test_the_task_skips_a_disconnected_connection(
    connected: Connection,  # noqa: F811
) -> None:
    Connection.objects.filter(pk=connected.pk).update(state=Connection.State.DISCONNECTED)
    with refused_outbound() as calls:
        assert tasks.refresh_remote_choices(connected.pk) is False
    assert calls == []


def test_when_it_was_fetched_shows_in_the_organisations_time_zone(
    cached: Connection, tenants: Tenants
) -> None:
    tenants.alpha.timezone = "Pacific/Auckland"
    tenants.alpha.save()
    RemoteChoices.objects.update(fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    row = RemoteChoices.objects.get()
    assert row.fetched_at is not None
    page = client_for(tenants.owner).get(PAGE).content.decode()
    assert f"on 1 Jan {row.fetched_at.year}, 13:00 NZDT" in page
