"""A live Patchbay API for the client libraries' own test suites (Python, TypeScript, PHP).

``live_api_env`` starts the test server (pytest-django's ``live_server``) and returns the
environment each library's tests read: the API's URL, keys of every kind the tests need,
and a webhook signed by Patchbay's own signing code. The organisation has 250 customers.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apikeys import services
from apikeys.models import ApiKey
from apikeys.scopes import Preset, preset
from operations.models import Customer
from tenancy.models import Organisation
from tests import factories
from tests.ratelimits import fresh_rate_limits
from webhooks import outbox, signing

__all__ = ["fresh_rate_limits", "live_api_env"]

CUSTOMERS = 250
LOW_LIMIT = 3  # requests per window: the 4th call in a window is a 429
# The test server's "minute" window is shortened to this many seconds, so a 429's
# Retry-After is a few seconds and a client can wait it out inside a test.
WINDOW_SECONDS = 6


def _key(organisation: Organisation, name: str, choice: str) -> str:
    created = services.create_key(organisation, name=name, scopes=preset(choice), created_by=None)
    return created.secret


def _low_limit_key(organisation: Organisation) -> str:
    created = services.create_key(
        organisation, name="Low limit", scopes=preset(Preset.READ_ONLY), created_by=None
    )
    services.set_limits(
        created.key, tier=ApiKey.Tier.ELEVATED, actor=None, minute_limit=LOW_LIMIT, hour_limit=1000
    )
    return created.secret


def _expired_key(organisation: Organisation) -> str:
    created = services.create_key(
        organisation,
        name="Expired",
        scopes=preset(Preset.READ_WRITE),
        created_by=None,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    # create_key refuses a past expiry, as the page does: age the key as time would.
    ApiKey.objects.filter(pk=created.key.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return created.secret


def _webhook_sample(organisation: Organisation, secret: str) -> dict[str, Any]:
    """A real event's body with the headers Patchbay's delivery would send (webhooks/signing.py)."""
    customer = Customer.objects.filter(organisation=organisation).order_by("pk").first()
    assert customer is not None
    event = outbox.record(
        organisation.pk, "customer.updated", {"id": customer.pk, "name": customer.name}, []
    )
    headers = signing.headers([secret], event.event_id, timezone.now(), event.body)
    return {
        "id": headers["webhook-id"],
        "timestamp": headers["webhook-timestamp"],
        "body": event.body,
        "signature": headers["webhook-signature"],
    }


@pytest.fixture
def live_api_env(live_server: Any, transactional_db: None, settings: Any) -> dict[str, str]:
    settings.API_RATE_LIMITS = {
        "minute": (settings.API_RATE_LIMITS["minute"][0], WINDOW_SECONDS),
        "hour": settings.API_RATE_LIMITS["hour"],
    }
    organisation = factories.make_organisation("Client Library Hire")
    Customer.objects.bulk_create(
        Customer(organisation=organisation, name=f"Customer {n:03}", email=f"c{n}@example.test")
        for n in range(1, CUSTOMERS + 1)
    )
    secret = signing.new_secret()
    return {
        # live_server listens on 127.0.0.1; "localhost" may resolve to ::1 first elsewhere.
        "PATCHBAY_API_URL": live_server.url.replace("localhost", "127.0.0.1") + "/api/v1",
        "PATCHBAY_API_KEY": _key(organisation, "Read-write", Preset.READ_WRITE),
        "PATCHBAY_READONLY_KEY": _key(organisation, "Read-only", Preset.READ_ONLY),
        "PATCHBAY_LOW_LIMIT_KEY": _low_limit_key(organisation),
        "PATCHBAY_EXPIRED_KEY": _expired_key(organisation),
        "PATCHBAY_WEBHOOK_SECRET": secret,
        "PATCHBAY_WEBHOOK_SAMPLE": json.dumps(_webhook_sample(organisation, secret)),
    }
