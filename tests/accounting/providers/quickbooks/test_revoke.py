"""Revoking a QuickBooks grant: Intuit's request (Basic client authentication, a JSON
body naming the token) as the sandbox's revoke endpoint receives it, and its failures."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest

from accounting.providers.quickbooks.provider import QuickBooksProvider
from integrations.errors import ProviderError, ProviderUnavailable
from integrations.models import Connection, OAuthGrant
from sandbox.core.clients import ClientAuth
from sandbox.quickbooks.identity import IntuitIdentity
from tests.accounting.providers.quickbooks.test_code_binding import refused_at_sandbox


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What reached the sandbox's revoke endpoint: its Authorization header, content type
    and body, recorded as the endpoint authenticates the client."""
    seen: list[dict[str, Any]] = []
    authenticate = IntuitIdentity.revocation_client

    def recording(server: IntuitIdentity, request: HttpRequest) -> ClientAuth:
        seen.append(
            {
                "authorization": request.headers.get("Authorization", ""),
                "content_type": request.content_type,
                "body": request.body,
            }
        )
        return authenticate(server, request)

    monkeypatch.setattr(IntuitIdentity, "revocation_client", recording)
    return seen


def grant_of(connection: Connection) -> OAuthGrant:
    return OAuthGrant.objects.get(connections=connection)


def test_revoke_sends_basic_client_authentication_and_the_token_as_json(
    connected: Connection, received: list[dict[str, Any]]
) -> None:
    refresh_token = grant_of(connected).refresh_token
    credentials = (
        f"{django_settings.QUICKBOOKS_CLIENT_ID}:{django_settings.QUICKBOOKS_CLIENT_SECRET}"
    )

    QuickBooksProvider().revoke(refresh_token)

    [request] = received
    assert request["authorization"] == f"Basic {base64.b64encode(credentials.encode()).decode()}"
    assert request["content_type"] == "application/json"
    assert json.loads(request["body"]) == {"token": refresh_token}
    assert refused_at_sandbox({"refresh_token": refresh_token})


def test_an_organisations_own_app_authenticates_the_revoke(
    connected: Connection, received: list[dict[str, Any]]
) -> None:
    """With the organisation's own Intuit app, its credentials go in the Basic header
    (the sandbox knows only Patchbay's app, so it refuses them)."""
    provider = QuickBooksProvider(connected.organisation_id, "own-app", "own-secret")

    with pytest.raises(ProviderError, match="the revocation endpoint answered 401"):
        provider.revoke(grant_of(connected).refresh_token)

    assert (
        received[0]["authorization"] == f"Basic {base64.b64encode(b'own-app:own-secret').decode()}"
    )


def test_an_unreachable_revocation_endpoint_is_an_outage(settings: Any) -> None:
    settings.QUICKBOOKS_REVOCATION_URL = "http://127.0.0.1:9/v2/oauth2/tokens/revoke"

    with pytest.raises(ProviderUnavailable, match="could not reach the revocation endpoint"):
        QuickBooksProvider().revoke("a-refresh-token")
