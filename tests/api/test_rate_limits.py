"""Per-key limits through the API: headers on every answer, 429 past the limit."""

from __future__ import annotations

import pytest
from django.conf import settings
from http_sfv.list import List as StructuredList

from apikeys import limiting
from apikeys.models import ApiKeyEvent
from tests.api.helpers import api, elevate, make_key
from tests.conftest import Tenants

CUSTOMERS = "/api/v1/customers/"


def _parsed(value: str) -> dict[str, dict[str, int]]:
    field = StructuredList()
    field.parse(value.encode())
    return {item.value: dict(item.params) for item in field}


def test_every_answer_carries_the_policy_and_what_is_left(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    response = api(secret).get(CUSTOMERS)
    assert _parsed(response["RateLimit-Policy"]) == {
        "minute": {"q": 100, "w": 60},
        "hour": {"q": 5000, "w": 3600},
    }
    state = _parsed(response["RateLimit"])
    assert state["minute"]["r"] == 99
    assert state["hour"]["r"] == 4999
    assert 0 < state["minute"]["t"] <= 61


def test_past_the_limit_a_429_problem_with_retry_after(tenants: Tenants) -> None:
    key, secret = make_key(tenants.alpha)
    client = api(secret)
    statuses = [client.get(CUSTOMERS).status_code for _ in range(101)]
    assert statuses.count(200) == 100
    refused = client.get(CUSTOMERS)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    body = refused.json()
    assert body["type"] == "https://iana.org/assignments/http-problem-types#quota-exceeded"
    assert body["violated-policies"] == ["minute"]
    retry = int(refused["Retry-After"])
    assert retry == body["retry_after_seconds"]
    assert retry >= _parsed(refused["RateLimit"])["minute"]["t"]
    assert _parsed(refused["RateLimit"])["minute"]["r"] == 0
    assert ApiKeyEvent.objects.filter(key=key, detail="rate limited (minute)").count() == 1


def test_the_limit_applies_before_the_scope_check(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha, scopes={})
    client = api(secret)
    statuses = {client.get(CUSTOMERS).status_code for _ in range(100)}
    assert statuses == {403}
    assert client.get(CUSTOMERS).status_code == 429


def test_an_owner_raised_tier_takes_effect_on_the_next_request(tenants: Tenants) -> None:
    key, secret = make_key(tenants.alpha)
    client = api(secret)
    for _ in range(100):
        client.get(CUSTOMERS)
    assert client.get(CUSTOMERS).status_code == 429
    elevate(key, per_minute=150, per_hour=10_000)
    response = client.get(CUSTOMERS)
    assert response.status_code == 200
    assert _parsed(response["RateLimit-Policy"])["minute"]["q"] == 150


@pytest.fixture
def redis_down(settings: object) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # type: ignore[attr-defined]
    settings.API_RATE_LIMIT_PROCESSES = 2  # type: ignore[attr-defined]
    limiting._limiter.cache_clear()


def test_with_redis_down_the_api_answers_and_limits_this_process_to_its_share(
    tenants: Tenants, redis_down: None
) -> None:
    _, secret = make_key(tenants.alpha)
    client = api(secret)
    first = client.get(CUSTOMERS)
    assert first.status_code == 200
    assert "RateLimit" not in first  # local numbers would mislead: no headers while degraded
    statuses = [client.get(CUSTOMERS).status_code for _ in range(60)]
    assert statuses.count(200) == 49  # 50 of 100 per process, one already spent
    assert statuses[-1] == 429
    assert settings.API_RATE_LIMITS["minute"][0] == 100
