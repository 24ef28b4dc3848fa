"""Hostile or mistyped values on the webhook pages: a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Tenants, client_for
from tests.webhooks.helpers import make_endpoint

LOGS = reverse("apikeys:webhooks:deliveries")
CREATE = reverse("apikeys:webhooks:endpoint_create")


@pytest.mark.parametrize("before", ["²", "99999999999999999999999", "-5"])
def test_a_delivery_log_cursor_that_is_no_id_shows_the_newest_and_says_so(
    tenants: Tenants, before: str
) -> None:
    response = client_for(tenants.bookkeeper).get(LOGS, {"before": before})
    assert response.status_code == 200
    assert "Paging:" in response.content.decode()


def test_an_endpoint_filter_beyond_bigint_is_an_invalid_choice(tenants: Tenants) -> None:
    make_endpoint(tenants.alpha)
    response = client_for(tenants.owner).get(LOGS, {"endpoint": "9" * 30})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("url", ["https://[::1", "https://[::1/in", "https://[zz]/in"])
def test_a_malformed_webhook_url_is_refused_beside_the_field(tenants: Tenants, url: str) -> None:
    response = client_for(tenants.manager).post(
        CREATE, {"url": url, "event_types": ["invoice.paid"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"]


@pytest.mark.parametrize(("header", "seconds"), [("120", 120), ("²", None), ("9" * 30, None)])
def test_a_receivers_retry_after_is_read_as_ascii_seconds_only(
    header: str, seconds: int | None
) -> None:
    from webhooks.client import _retry_after

    assert _retry_after(header) == seconds
