"""No web request calls a provider: every URL pattern, walked as every visitor, with the
outbound HTTP layer made to fail and record any attempt. Provider work (chart of
accounts, tax rates, revocation, review follow-ups) belongs to Celery tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Tenants
from tests.outbound import refused_outbound
from tests.walk import ROUTES, World, make_world, request_as, url_for, visitors

# The provider redirects the person's browser back to these with a code that only an
# exchange at the provider's token endpoint turns into tokens: that call cannot move
# out of the request (the person is waiting to see which company they connected).
EXEMPT = {f"integrations:callback-{slug}" for slug in ("xero", "sage", "quickbooks")}


@pytest.fixture
def outbound_calls() -> Iterator[list[str]]:
    with refused_outbound() as attempts:
        yield attempts


@pytest.fixture
def world(tenants: Tenants, settings: Any) -> World:
    return make_world(tenants, settings)


@pytest.mark.slow
# Every route as every visitor: see the URL walk's limit.
@pytest.mark.timeout(1800)
def test_no_page_calls_a_provider_for_any_visitor(world: World, outbound_calls: list[str]) -> None:
    failures: list[str] = []
    for route in ROUTES:
        if route.name in EXEMPT:
            continue
        url = url_for(route, world)
        for visitor, user in visitors(world).items():
            for method in ("GET", "POST"):
                outbound_calls.clear()
                request_as(user, method, url)
                failures += [
                    f"{method} {url} as {visitor} called {call}" for call in outbound_calls
                ]
    assert not failures, "\n".join(failures)


def test_the_refusal_catches_a_call_through_the_shared_http_layer(
    outbound_calls: list[str],
) -> None:
    from integrations import http
    from integrations.errors import ProviderUnavailable

    with pytest.raises(ProviderUnavailable):
        http.request("GET", "http://127.0.0.1:9/anything", access_token="t")
    assert outbound_calls == ["GET http://127.0.0.1:9/anything"]
