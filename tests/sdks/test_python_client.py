"""patchbay-client (Python), from its built wheel, against a live Patchbay.

The fixture's organisation has 250 customers; its keys cover read-write, read-only,
a low rate limit and an expired key (tests/sdks/conftest.py).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from operations.models import Customer
from tests.sdks.conftest import CUSTOMERS, LOW_LIMIT, MAX_WAIT_SECONDS, webhook_env
from tests.sdks.wheel import installed

pytestmark = pytest.mark.xdist_group("sdk-python")


@pytest.fixture
def pb() -> ModuleType:
    return installed()


@pytest.fixture
def api(pb: ModuleType) -> SimpleNamespace:
    """The generated customer operations, one module each."""
    from patchbay_client.generated.api.customers import (
        customers_create,
        customers_list,
        customers_partial_update,
        customers_retrieve,
    )

    return SimpleNamespace(
        customers_create=customers_create,
        customers_list=customers_list,
        customers_partial_update=customers_partial_update,
        customers_retrieve=customers_retrieve,
    )


def test_lists_all_250_customers_over_three_pages(pb, api, live_api_env) -> None:
    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_API_KEY"])
    pages = list(pb.pages(api.customers_list, client, page_size=100))
    names = [customer.name for customer in pb.iterate(api.customers_list, client)]

    assert [len(page.results) for page in pages] == [100, 100, 50]
    assert len(names) == len(set(names)) == CUSTOMERS
    assert {"Customer 001", "Customer 250"} <= set(names)


def test_creates_then_updates_a_customer_and_reads_only_the_change(pb, api, live_api_env) -> None:
    from patchbay_client.generated.models import CustomerRequest, PatchedCustomerRequest

    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_API_KEY"])
    created = api.customers_create.sync(
        client=client, body=CustomerRequest(name="Riverside Arts Festival", tax_number="GB123")
    )
    since = created.updated_at + timedelta(microseconds=1)
    updated = api.customers_partial_update.sync(
        str(created.id), client=client, body=PatchedCustomerRequest(email="box@riverside.test")
    )

    assert (updated.id, updated.email, updated.tax_number) == (
        created.id,
        "box@riverside.test",
        "GB123",
    )
    assert Customer.objects.get(pk=created.id).email == "box@riverside.test"
    changed = list(pb.changed_since(api.customers_list, client, since))
    assert [customer.id for customer in changed] == [created.id]
    assert pb.latest_change(changed) == updated.updated_at


def test_an_invalid_field_raises_validation_error_naming_it(pb, api, live_api_env) -> None:
    from patchbay_client.generated.models import CustomerRequest

    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_API_KEY"])
    with pytest.raises(pb.ValidationError) as raised:
        api.customers_create.sync(client=client, body=CustomerRequest(name="X", currency="pounds"))
    assert "currency" in raised.value.errors


def test_a_read_only_key_creating_raises_scope_refused(pb, api, live_api_env) -> None:
    from patchbay_client.generated.models import CustomerRequest

    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_READONLY_KEY"])
    assert api.customers_list.sync(client=client, page_size=1).count == CUSTOMERS
    with pytest.raises(pb.ScopeRefused) as raised:
        api.customers_create.sync(client=client, body=CustomerRequest(name="Not allowed"))
    assert raised.value.status == 403
    assert raised.value.required_scope == "customers:write"
    assert not Customer.objects.filter(name="Not allowed").exists()


def test_an_expired_key_raises_key_expired(pb, api, live_api_env) -> None:
    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_EXPIRED_KEY"])
    with pytest.raises(pb.KeyExpired) as raised:
        api.customers_list.sync(client=client)
    assert isinstance(raised.value, pb.Unauthorized)
    assert raised.value.status == 401
    assert "expired" in raised.value.detail


def test_a_missing_customer_raises_not_found(pb, api, live_api_env) -> None:
    client = pb.connect(live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_API_KEY"])
    with pytest.raises(pb.NotFound):
        api.customers_retrieve.sync("987654321", client=client)


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(pb, api, live_api_env) -> None:
    waits: list[float] = []
    client = pb.connect(
        live_api_env["PATCHBAY_API_URL"],
        live_api_env["PATCHBAY_LOW_LIMIT_KEY"],
        on_wait=lambda seconds, request: waits.append(seconds),
    )
    started = time.monotonic()
    counts = [
        api.customers_list.sync(client=client, page_size=1).count for _ in range(LOW_LIMIT + 1)
    ]
    elapsed = time.monotonic() - started

    assert counts == [CUSTOMERS] * (LOW_LIMIT + 1)  # the fourth call succeeded too
    assert len(waits) == 1
    assert 0 < waits[0] <= MAX_WAIT_SECONDS
    assert elapsed >= waits[0]


def test_a_429_beyond_the_allowed_waits_raises_rate_limited(pb, api, live_api_env) -> None:
    client = pb.connect(
        live_api_env["PATCHBAY_API_URL"], live_api_env["PATCHBAY_LOW_LIMIT_KEY"], max_retries=0
    )
    for _ in range(LOW_LIMIT):
        api.customers_list.sync(client=client, page_size=1)
    with pytest.raises(pb.RateLimited) as raised:
        api.customers_list.sync(client=client, page_size=1)
    assert raised.value.status == 429
    assert 0 < raised.value.retry_after <= MAX_WAIT_SECONDS
    assert raised.value.problem["violated-policies"] == ["minute"]


@pytest.fixture
def signed() -> dict[str, str]:
    """Signed by Patchbay's own code (webhooks/signing.py), as live_api_env's sample is."""
    return webhook_env()


def _sample(env: dict[str, str]) -> tuple[dict[str, str], str]:
    sample: dict[str, Any] = json.loads(env["PATCHBAY_WEBHOOK_SAMPLE"])
    headers = {
        "webhook-id": sample["id"],
        "webhook-timestamp": str(sample["timestamp"]),
        "webhook-signature": sample["signature"],
    }
    return headers, sample["body"]


def test_a_webhook_signed_by_patchbay_is_verified(pb, signed) -> None:
    headers, body = _sample(signed)
    event = pb.verify(signed["PATCHBAY_WEBHOOK_SECRET"], headers, body.encode())
    assert event["type"] == "customer.updated"
    assert event["data"]["name"] == "Riverside Arts Festival"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda h, b: (h, b.replace("Riverside", "Riverbank")), id="body"),
        pytest.param(lambda h, b: ({**h, "webhook-id": "evt_other"}, b), id="id"),
        pytest.param(
            lambda h, b: ({**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}, b),
            id="timestamp",
        ),
    ],
)
def test_a_tampered_webhook_is_refused(pb, signed, tamper) -> None:
    headers, body = tamper(*_sample(signed))
    with pytest.raises(pb.WebhookVerificationError):
        pb.verify(signed["PATCHBAY_WEBHOOK_SECRET"], headers, body)


def test_a_webhook_under_another_secret_or_too_old_is_refused(pb, signed) -> None:
    from webhooks.signing import new_secret

    headers, body = _sample(signed)
    with pytest.raises(pb.WebhookVerificationError, match="no signature"):
        pb.verify(new_secret(), headers, body)
    later = datetime.now(UTC).timestamp() + 3600
    with pytest.raises(pb.WebhookVerificationError, match="old"):
        pb.verify(signed["PATCHBAY_WEBHOOK_SECRET"], headers, body, now=later)
