"""A live Patchbay for the client libraries' own test suites (Python, TypeScript, PHP).

``live_api_env`` starts the live test server with one organisation of 250 customers
and returns, as environment variables, what a library's tests need to reach it:

- PATCHBAY_API_URL: the server's address + /api/v1
- PATCHBAY_API_KEY: read and write on every module (customers included), no low limit
- PATCHBAY_READONLY_KEY: read only, so creating a customer is refused (missing-scope)
- PATCHBAY_LOW_LIMIT_KEY: LOW_LIMIT requests per window, so the next one is a 429
- PATCHBAY_EXPIRED_KEY: a key whose expiry has passed (expired-api-key)
- PATCHBAY_WEBHOOK_SECRET: a whsec_ secret
- PATCHBAY_WEBHOOK_SAMPLE: JSON {id, timestamp, body, signature}, signed with that
  secret by Patchbay's own signing code (webhooks/signing.py)

Rate-limit windows are shortened to RATE_WINDOW_SECONDS for these tests (the live
server runs in this process, so the settings override reaches it): a 429's
Retry-After is then a few seconds, which a test can wait out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apikeys.models import ApiKey
from apikeys.scopes import Preset, preset
from operations.models import Customer
from tests.api.helpers import elevate, make_key
from tests.factories import make_organisation
from tests.ratelimits import fresh_rate_limits
from webhooks import signing

__all__ = ["fresh_rate_limits"]  # autouse: each test starts with no rate-limit counters

CUSTOMERS = 250
LOW_LIMIT = 3
# A multiple of 3 seconds: the Redis limiter's key expiry (window + 2 slots of 1/60 each,
# in ms) must come out a whole number. A 429's wait is at most a window plus one slot,
# rounded up to whole seconds.
RATE_WINDOW_SECONDS = 3
MAX_WAIT_SECONDS = RATE_WINDOW_SECONDS + 1


def _customers(organisation: Any) -> None:
    Customer.objects.bulk_create(
        Customer(organisation=organisation, name=f"Customer {n:03d}", email=f"c{n:03d}@hire.test")
        for n in range(1, CUSTOMERS + 1)
    )


def _expired_key(organisation: Any) -> str:
    key, secret = make_key(
        organisation, name="Expired key", expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    ApiKey.objects.filter(pk=key.pk).update(expires_at=datetime.now(UTC) - timedelta(minutes=5))
    return secret


def _key(organisation: Any, name: str, per_minute: int, **extra: Any) -> str:
    key, secret = make_key(organisation, name=name, **extra)
    elevate(key, per_minute=per_minute, per_hour=max(per_minute, 100_000))
    return secret


def webhook_sample(secret: str) -> dict[str, Any]:
    message_id = signing.new_event_id()
    at = datetime.now(UTC)
    body = json.dumps(
        {
            "type": "customer.updated",
            "timestamp": at.isoformat(),
            "data": {"id": 42, "name": "Riverside Arts Festival", "currency": "GBP"},
        }
    )
    headers = signing.headers([secret], message_id, at, body)
    return {
        "id": message_id,
        "timestamp": int(at.timestamp()),
        "body": body,
        "signature": headers["webhook-signature"],
    }


def webhook_env() -> dict[str, str]:
    """The two webhook variables alone: checking a signature needs no server."""
    secret = signing.new_secret()
    return {
        "PATCHBAY_WEBHOOK_SECRET": secret,
        "PATCHBAY_WEBHOOK_SAMPLE": json.dumps(webhook_sample(secret)),
    }


@pytest.fixture
def live_api_env(live_server: Any, transactional_db: None, settings: Any) -> dict[str, str]:
    # A loaded test machine can answer Redis slower than production's 0.1 s timeout;
    # the limiter would then fall back to per-process counters (a limit split between
    # processes), and the low-limit key's numbers would not be the ones asked for.
    settings.API_RATE_LIMIT_REDIS_TIMEOUT = 5.0
    settings.API_RATE_LIMITS = {
        "minute": (settings.API_RATE_LIMITS["minute"][0], RATE_WINDOW_SECONDS),
        "hour": settings.API_RATE_LIMITS["hour"],
    }
    organisation = make_organisation("Client Library Hire")
    _customers(organisation)
    return {
        "PATCHBAY_API_URL": f"{live_server.url}/api/v1",
        "PATCHBAY_API_KEY": _key(organisation, "Read-write key", 1_000_000),
        "PATCHBAY_READONLY_KEY": _key(
            organisation, "Read-only key", 1_000_000, scopes=preset(Preset.READ_ONLY)
        ),
        "PATCHBAY_LOW_LIMIT_KEY": _key(organisation, "Low-limit key", LOW_LIMIT),
        "PATCHBAY_EXPIRED_KEY": _expired_key(organisation),
        **webhook_env(),
    }
