"""The website tier: per key and per client address, 429 with Retry-After and RateLimit headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from http_sfv.list import List as StructuredList

from apikeys import tokens
from tests.api.helpers import api
from tests.conftest import Tenants
from tests.public_api import BASE, make_website


def _parsed(value: str) -> dict[str, dict[str, int]]:
    field = StructuredList()
    field.parse(value.encode())
    return {item.value: dict(item.params) for item in field}


def test_every_answer_states_both_partitions_and_the_binding_window(tenants: Tenants) -> None:
    response = make_website(tenants.alpha).client().get(BASE + "site")
    assert _parsed(response["RateLimit-Policy"]) == {
        "address-minute": {"q": 120, "w": 60},
        "address-hour": {"q": 3000, "w": 3600},
        "minute": {"q": 300, "w": 60},
        "hour": {"q": 10000, "w": 3600},
    }
    assert _parsed(response["RateLimit"])["minute"]["r"] == 299
    assert response["RateLimit-Limit"] == "120"
    assert response["RateLimit-Remaining"] == "119"
    assert 0 < int(response["RateLimit-Reset"]) <= 61


def _assert_429(response: Any, violated: str) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["violated-policies"] == [violated]
    assert body["code"] == "rate_limited"
    assert int(response["Retry-After"]) == body["retry_after_seconds"] >= 1
    assert _parsed(response["RateLimit"])[violated]["r"] == 0
    assert "Origin" in response["Vary"]


def test_past_the_keys_limit_a_429(tenants: Tenants, settings: Any) -> None:
    settings.WEBSITE_RATE_LIMITS = {"minute": (5, 60), "hour": (100, 3600)}
    site = make_website(tenants.alpha)
    client = site.client()
    assert [client.get(BASE + "site").status_code for _ in range(5)] == [200] * 5
    refused = client.get(BASE + "site")
    _assert_429(refused, "minute")
    assert "website key" in refused.json()["detail"]
    # Another site's key from the same address is not held back by this one's quota.
    assert make_website(tenants.bravo).client().get(BASE + "site").status_code == 200


def test_past_the_addresss_limit_a_429_whatever_the_key_and_before_any_lookup(
    tenants: Tenants, settings: Any
) -> None:
    settings.WEBSITE_IP_RATE_LIMITS = {"minute": (3, 60), "hour": (100, 3600)}
    site = make_website(tenants.alpha)
    for _ in range(3):
        assert site.client().get(BASE + "items").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        refused = api(tokens.generate(tokens.WEBSITE_PREFIX)).get(BASE + "items")
    _assert_429(refused, "address-minute")
    assert len(queries) == 0
    # Another address still gets through with the same key.
    assert site.client(REMOTE_ADDR="192.0.2.7").get(BASE + "items").status_code == 200


@pytest.mark.parametrize("origin", [None, "https://rentals.example.com"])
def test_a_page_on_an_allowed_origin_may_read_the_keys_429_and_its_headers(
    tenants: Tenants, settings: Any, origin: str | None
) -> None:
    settings.WEBSITE_RATE_LIMITS = {"minute": (1, 60), "hour": (100, 3600)}
    site = make_website(tenants.alpha)
    site.allow("https://rentals.example.com")
    client = site.client(**({"HTTP_ORIGIN": origin} if origin else {}))
    client.get(BASE + "site")
    refused = client.get(BASE + "site")
    assert refused.status_code == 429
    if origin is None:
        assert "Access-Control-Allow-Origin" not in refused
    else:
        assert refused["Access-Control-Allow-Origin"] == origin
        assert "Retry-After" in refused["Access-Control-Expose-Headers"]
