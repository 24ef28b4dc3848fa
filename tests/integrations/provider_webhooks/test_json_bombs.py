"""Correctly signed but deeply nested notifications: refused as unreadable, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from integrations.provider_webhooks.models import ProviderNotification
from tests.integrations.provider_webhooks import notify

BOMBS = {
    "100,000 nested arrays": b"[" * 100_000,
    "an object nested 5,000 deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
}


@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
@pytest.mark.parametrize("post", [notify.post_xero, notify.post_quickbooks], ids=["xero", "qbo"])
def test_a_signed_json_bomb_is_recorded_as_unreadable(db: None, body: bytes, post: object) -> None:
    assert callable(post)
    response = post(Client(enforce_csrf_checks=True), body)
    assert response.status_code == 400
    recorded = ProviderNotification.objects.get()
    assert recorded.outcome == ProviderNotification.Outcome.UNREADABLE
    assert "nested deeper than 64" in recorded.reason
