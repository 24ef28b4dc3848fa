"""API access sees webhook endpoints through the port the webhooks app fills at start-up."""

from __future__ import annotations

import pytest

from apikeys import webhook_endpoints
from tests.conftest import Tenants
from tests.webhooks.helpers import make_endpoint
from webhooks.models import Endpoint


def test_the_port_lists_counts_and_publishes_only_the_organisations_endpoints(
    tenants: Tenants,
) -> None:
    first, _ = make_endpoint(tenants.alpha)
    second, _ = make_endpoint(tenants.alpha)
    Endpoint.objects.filter(pk=second.pk).update(enabled=False)
    make_endpoint(tenants.bravo)
    endpoints = webhook_endpoints.webhook_endpoints()
    assert list(endpoints.listed(tenants.alpha.pk)) == [first, second]
    assert endpoints.enabled_count(tenants.alpha.pk) == 1
    published = list(endpoints.published(tenants.alpha.pk))
    assert published == [first, second]
    assert all({"secret", "previous_secret"} <= e.get_deferred_fields() for e in published)


def test_asking_before_webhooks_installed_its_endpoints_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webhook_endpoints, "_installed", None)
    with pytest.raises(RuntimeError, match="No webhook endpoints installed"):
        webhook_endpoints.webhook_endpoints()
