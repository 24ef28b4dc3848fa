"""An authorization code is bound to the connect that asked for it (OpenID Connect nonce,
ID token checked against the sandbox's JWKS), and tokens of a refused connect are revoked."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from accounting.providers.quickbooks.provider import QuickBooksProvider
from integrations import oauth, oidc
from integrations.models import Connection, OAuthGrant, OAuthState
from sandbox.quickbooks import signing
from sandbox.quickbooks import tokens as sandbox_tokens
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import Tenants, client_for
from tests.sandbox.quickbooks import flow as sandbox

CALLBACK = "/settings/integrations/quickbooks/callback/"


@pytest.fixture
def issued(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every token response Patchbay's code exchanges received, to try them afterwards."""
    responses: list[dict[str, Any]] = []
    exchange = oauth.exchange_code

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        token = exchange(*args, **kwargs)
        responses.append(token)
        return token

    monkeypatch.setattr(oauth, "exchange_code", recording)
    return responses


def refused_at_sandbox(token: dict[str, Any]) -> bool:
    answer = sandbox.refresh(Client(), str(token["refresh_token"]))
    return answer.status_code == 400 and answer.json() == {"error": "invalid_grant"}


def messages_of(answer: Any) -> str:
    return " ".join(str(message) for message in get_messages(answer.wsgi_request))


def state_of_a_new_connect(client: Client) -> str:
    return sandbox.query_of(client.post(helpers.CONNECT)["Location"])["state"]


def test_connect_asks_for_openid_with_a_nonce_kept_with_the_state(
    quickbooks_sandbox: str, tenants: Tenants
) -> None:
    authorize = sandbox.query_of(client_for(tenants.owner).post(helpers.CONNECT)["Location"])

    assert "openid" in authorize["scope"].split()
    assert len(authorize["nonce"]) >= 32
    assert OAuthState.objects.get().nonce == authorize["nonce"]


def test_swapped_code_is_refused_and_its_tokens_revoked(
    quickbooks_sandbox: str, tenants: Tenants, issued: list[dict[str, Any]]
) -> None:
    victim, attacker = client_for(tenants.owner), client_for(tenants.outsider)
    victims_redirect = sandbox.query_of(helpers.consent_location(victim, helpers.US_REALM))
    swapped = {**victims_redirect, "state": state_of_a_new_connect(attacker)}

    answer = attacker.get(CALLBACK, swapped)

    assert answer.status_code == 302
    assert "started by another connection attempt" in messages_of(answer)
    assert not Connection.objects.exists() and not OAuthGrant.objects.exists()
    assert refused_at_sandbox(issued[0])
    refused = OAuthState.objects.get(organisation=tenants.bravo)
    assert refused.discard_outcome.startswith("revoked at QuickBooks Online")

    # The victim's own connect still works.
    helpers.connect(victim, helpers.US_REALM)
    connection = helpers.connection_for(helpers.US_REALM)
    assert (connection.organisation, connection.state) == (tenants.alpha, "connected")


def test_a_forged_id_token_is_refused_and_the_tokens_revoked(
    quickbooks_sandbox: str,
    tenants: Tenants,
    issued: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The token endpoint answers with an ID token signed by a key not in Intuit's JWKS
    (same kid): the signature check refuses it."""
    forger = RSAKey.generate_key(2048, private=True)

    def forged(connection: Any, issuer: str, now: Any, nonce: str) -> str:
        issued = int(time.time())
        claims: dict[str, Any] = {"iss": issuer, "sub": "x", "aud": [connection.client_id]}
        claims["nonce"] = nonce
        claims |= {"realmid": connection.company.realm_id, "iat": issued, "exp": issued + 3600}
        return jwt.encode({"alg": "RS256", "kid": signing.current().kid}, claims, forger)

    monkeypatch.setattr(sandbox_tokens, "_id_token", forged)
    client = client_for(tenants.owner)

    answer = helpers.connect(client, helpers.US_REALM)

    assert "could not be trusted" in messages_of(answer)
    assert not Connection.objects.exists()
    assert refused_at_sandbox(issued[0])


def test_a_realm_id_changed_in_the_callback_is_refused(
    quickbooks_sandbox: str, tenants: Tenants, issued: list[dict[str, Any]]
) -> None:
    client = client_for(tenants.owner)
    redirect = sandbox.query_of(helpers.consent_location(client, helpers.US_REALM))

    answer = client.get(CALLBACK, {**redirect, "realmId": helpers.UK_REALM})

    assert "another company" in messages_of(answer)
    assert not Connection.objects.exists()
    assert refused_at_sandbox(issued[0])


# --- The ID token checks themselves, against the sandbox's JWKS ------------------------


def claims(provider: QuickBooksProvider, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": provider.issuer,
        "sub": "sandbox-user",
        "aud": [provider.client_id],
        "realmid": helpers.US_REALM,
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "nonce": "the-nonce",
    }
    return {**base, **changes}


def verify(provider: QuickBooksProvider, id_token: str) -> dict[str, Any]:
    return oidc.verified_claims(provider, {"id_token": id_token, "access_token": "a"}, "the-nonce")


@pytest.fixture
def provider(quickbooks_sandbox: str) -> QuickBooksProvider:
    return QuickBooksProvider()


def test_a_genuine_id_token_for_this_flow_is_accepted(provider: QuickBooksProvider) -> None:
    assert verify(provider, signing.sign(claims(provider)))["realmid"] == helpers.US_REALM


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"nonce": "another-flows-nonce"}, oidc.NotThisFlow),
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 4200}, oidc.IdentityRefused),
        ({"aud": ["another-app"]}, oidc.IdentityRefused),
        ({"iss": "https://issuer.example"}, oidc.IdentityRefused),
    ],
    ids=["other-nonce", "expired", "wrong-audience", "wrong-issuer"],
)
def test_an_id_token_with_wrong_claims_is_refused(
    provider: QuickBooksProvider, changes: dict[str, Any], refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        verify(provider, signing.sign(claims(provider, **changes)))


def test_an_id_token_signed_with_the_client_secret_is_refused(
    provider: QuickBooksProvider,
) -> None:
    """Algorithm confusion: HS256 with a secret the app knows is not Intuit's signature."""
    key = OctKey.import_key(provider.client_secret)
    token = jwt.encode({"alg": "HS256"}, claims(provider), key, algorithms=["HS256"])
    with pytest.raises(oidc.IdentityRefused):
        verify(provider, token)


def test_an_answer_without_an_id_token_is_refused(provider: QuickBooksProvider) -> None:
    with pytest.raises(oidc.IdentityRefused):
        oidc.verified_claims(provider, {"access_token": "a"}, "the-nonce")


def test_a_rotated_signing_key_is_fetched_when_first_seen(provider: QuickBooksProvider) -> None:
    verify(provider, signing.sign(claims(provider)))  # caches the key set
    signing.rotate()
    assert verify(provider, signing.sign(claims(provider)))["nonce"] == "the-nonce"
