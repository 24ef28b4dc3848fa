"""The public status page: read from the summary alone (a constant number of queries),
the same for every visitor, with nothing of any organisation's, and cacheable."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from integrations.models import Connection
from status import summary
from status.models import ProviderIncident
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_grant
from tests.status.helpers import audit_call, level, section

pytestmark = pytest.mark.django_db
# One read of the summary, one of the incidents.
PAGE_QUERIES = 2


def _level(response: Any, slug: str) -> str:
    return level(response.content.decode(), slug)


@pytest.mark.parametrize("calls", [3, 300])
def test_the_page_reads_the_summary_in_the_same_queries_whatever_the_audit_holds(
    tenants: Tenants, calls: int, django_assert_num_queries: Any
) -> None:
    connection = make_connection(tenants.alpha)
    for n in range(calls):
        audit_call(connection, 503 if n % 3 == 0 else 200, n)
    summary.summarise()
    ProviderIncident.objects.create(provider="sage", title="Sage slow", body="Slow answers.")

    with django_assert_num_queries(PAGE_QUERIES):
        response = Client().get("/status/")

    assert response.status_code == 200
    assert _level(response, "xero") == "degraded"  # a third failed: above 5%, below half


def test_a_provider_failing_most_calls_is_shown_down_with_its_share(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    for n in range(4):
        audit_call(connection, 503 if n else 200, 120)
    summary.summarise()

    response = Client().get("/status/")

    assert _level(response, "xero") == "down"
    assert "75.0% (3)" in section(response.content.decode(), "xero")
    assert _level(response, "sage") == "quiet"


def test_the_page_shows_no_organisation_connection_or_call_of_any_tenant(
    tenants: Tenants,
) -> None:
    tenants.alpha.name = "Zanzibar Rigging ALPHAMARK"
    tenants.alpha.save()
    tenants.bravo.name = "Quetzal Staging BRAVOMARK"
    tenants.bravo.save()
    alpha = make_connection(tenants.alpha, remote_name="Zanzibar Ledger ALPHAMARK")
    bravo = make_connection(
        tenants.bravo,
        remote_id="tenant-b",
        remote_name="Quetzal Books BRAVOMARK",
        grant=make_grant(tenants.bravo),
    )
    for connection in (alpha, bravo):
        audit_call(connection, 503, 80, url=f"https://api.test/{connection.remote_name}")
    summary.summarise()

    for client in (Client(), client_for(tenants.owner), client_for(tenants.outsider)):
        response = client.get("/status/")
        body = response.content.decode()
        assert "ALPHAMARK" not in body and "BRAVOMARK" not in body
        assert "Zanzibar" not in body and "Quetzal" not in body
        assert f"/{alpha.pk}/" not in body and "/settings/" not in body
        assert "csrfmiddlewaretoken" not in body and "Sign out" not in body


def _cache_control(response: Any) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_page_is_public_cacheable_briefly_and_under_the_content_security_policy() -> None:
    response = Client().get("/status/")

    assert response.status_code == 200
    assert {"public", "max-age=60"} <= _cache_control(response)
    assert "Set-Cookie" not in response.headers
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "<style" not in body and " style=" not in body
    assert re.findall(r"<script[^>]*>", body) == [
        tag for tag in re.findall(r"<script[^>]*>", body) if " src=" in tag
    ]


def test_a_signed_in_visitors_copy_is_cached_privately_as_it_may_carry_their_cookie(
    tenants: Tenants,
) -> None:
    response = client_for(tenants.owner).get("/status/")

    assert {"private", "max-age=60"} <= _cache_control(response)
    assert "public" not in _cache_control(response)


def test_without_any_run_yet_the_page_says_figures_are_to_come() -> None:
    response = Client().get("/status/")

    assert "No figures yet" in response.content.decode()


def test_figures_a_stopped_task_left_behind_are_said_to_be_out_of_date(tenants: Tenants) -> None:
    summary.summarise(timezone.now() - timedelta(minutes=20))

    response = Client().get("/status/")

    assert "may be out of date" in response.content.decode()


def test_only_get_is_answered() -> None:
    assert Client().post("/status/").status_code == 405


def test_a_retrying_connection_card_links_to_its_provider_on_the_status_page(
    tenants: Tenants,
) -> None:
    make_connection(
        tenants.alpha,
        state=Connection.State.DEGRADED,
        reason="Calls to the provider are failing: the provider answered 503.",
    )

    page = client_for(tenants.owner).get("/settings/integrations/")

    body = page.content.decode()
    card = body[
        body.index('id="card-xero"') : body.index("</article>", body.index('id="card-xero"'))
    ]
    link = re.search(r'data-testid="card-status-link">[^<]*<a href="([^"]+)"', card)
    assert link is not None and link[1] == "/status/#xero"


def test_a_healthy_connection_card_has_no_status_link(tenants: Tenants) -> None:
    make_connection(tenants.alpha)

    page = client_for(tenants.owner).get("/settings/integrations/")

    assert b'data-testid="card-status-link"' not in page.content
