"""Patchbay's signatures, checked by the standardwebhooks library as a receiver would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webhooks import signing

BODY = '{"type":"invoice.paid","timestamp":"2026-01-01T00:00:00+00:00","data":{"id":7}}'


def _headers(secrets: list[str], at: datetime, body: str = BODY) -> dict[str, str]:
    return signing.headers(secrets, "evt_01JH8Z3Q6M4V9X2N7C5B1D0F8K", at, body)


def test_a_patchbay_signature_verifies_with_standardwebhooks() -> None:
    secret = signing.new_secret()
    headers = _headers([secret], datetime.now(UTC))
    assert Webhook(secret).verify(BODY, headers)["data"] == {"id": 7}


def test_a_tampered_body_does_not_verify() -> None:
    secret = signing.new_secret()
    headers = _headers([secret], datetime.now(UTC))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace('"id":7', '"id":8'), headers)


def test_an_old_timestamp_does_not_verify() -> None:
    secret = signing.new_secret()
    headers = _headers([secret], datetime.now(UTC) - timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers)


def test_another_secret_does_not_verify() -> None:
    headers = _headers([signing.new_secret()], datetime.now(UTC))
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)


def test_during_rotation_both_secrets_verify() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    headers = _headers([new, old], datetime.now(UTC))
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, headers)
    assert Webhook(new).verify(BODY, headers)


def test_secrets_and_event_ids_have_their_documented_shapes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(signing._key(secret)) == 32
    event_id = signing.new_event_id()
    assert event_id.startswith("evt_") and len(event_id) == 30 and "." not in event_id
    assert signing.new_event_id() != event_id
