"""The token endpoint: the authorization_code grant and client authentication."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sandbox.core import jwt
from sandbox.core.crypto import digest
from sandbox.xero.models import XeroToken, XeroUser
from sandbox.xero.seed import SANDBOX_USER
from sandbox.xero.tokens import id_token_key
from tests.sandbox import flow


def test_code_exchange_returns_xeros_token_response(app: Client) -> None:
    response = flow.redeem(app, flow.consent(app))
    body = response.json()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert set(body) == {
        "id_token",
        "access_token",
        "expires_in",
        "token_type",
        "refresh_token",
        "scope",
    }
    assert body["expires_in"] == 1800
    assert body["token_type"] == "Bearer"
    assert body["scope"] == flow.FULL_SCOPE


def test_access_token_is_a_jwt_with_xeros_claims(app: Client) -> None:
    result = flow.consent(app)
    body = flow.redeem(app, result).json()
    claims = jwt.unverified_claims(body["access_token"])
    user = XeroUser.objects.get(email=SANDBOX_USER)
    assert jwt.decode(body["access_token"], b"wrong key") is None
    assert claims["sub"] == user.xero_userid.hex
    assert claims["xero_userid"] == str(user.xero_userid)
    assert claims["client_id"] == settings.XERO_CLIENT_ID
    assert claims["scope"] == flow.FULL_SCOPE.split()
    assert claims["exp"] - claims["iat"] == 1800
    assert claims["iss"] == "http://testserver/sandbox/xero/identity"
    connection = user.grants.get().connections.get(organisation__name="Demo Company (UK)")
    assert claims["authentication_event_id"] == str(connection.auth_event_id)


def test_id_token_is_signed_with_the_client_secret_and_carries_the_nonce(app: Client) -> None:
    body = flow.redeem(app, flow.consent(app, nonce="n-0S6_WzA2Mj")).json()
    claims = jwt.decode(body["id_token"], id_token_key(settings.XERO_CLIENT_SECRET))
    assert claims is not None
    assert claims["aud"] == settings.XERO_CLIENT_ID
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["email"] == SANDBOX_USER
    assert claims["name"] == "Sandy Sandbox"
    half = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(half).rstrip(b"=").decode()


def test_lifetimes_come_from_settings_at_request_time(app: Client, settings) -> None:
    settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS = 60
    body = flow.tokens(app)
    claims = jwt.unverified_claims(body["access_token"])
    assert body["expires_in"] == 60
    assert claims["exp"] - claims["iat"] == 60


def test_no_refresh_token_without_offline_access(app: Client) -> None:
    body = flow.tokens(app, scope="openid accounting.settings")
    assert "refresh_token" not in body
    assert not XeroToken.objects.filter(kind=XeroToken.Kind.REFRESH).exists()


def test_no_id_token_without_openid(app: Client) -> None:
    body = flow.tokens(app, scope="offline_access accounting.settings.read")
    assert "id_token" not in body
    assert body["refresh_token"]


def test_only_hashes_and_last_four_characters_are_stored(app: Client) -> None:
    body = flow.tokens(app)
    stored = XeroToken.objects.get(kind=XeroToken.Kind.REFRESH)
    assert stored.token_hash == digest(body["refresh_token"])
    assert stored.last4 == body["refresh_token"][-4:]
    for row in XeroToken.objects.values():
        assert body["access_token"] not in str(row)
        assert body["refresh_token"] not in str(row)


def test_wrong_code_verifier_is_invalid_grant_and_the_right_one_still_works(app: Client) -> None:
    result = flow.consent(app)
    wrong = flow.redeem(app, result, code_verifier=flow.new_verifier())
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant"})
    missing = flow.redeem(app, result, code_verifier=None)
    assert missing.json() == {"error": "invalid_grant"}
    assert flow.redeem(app, result).status_code == 200


def test_verifier_without_a_challenge_is_refused(app: Client) -> None:
    result = flow.consent(app, pkce=False)
    assert flow.redeem(app, result).json() == {"error": "invalid_grant"}
    assert flow.redeem(app, result, code_verifier=None).status_code == 200


def test_code_is_single_use_and_a_replay_revokes_what_it_issued(app: Client) -> None:
    result = flow.consent(app)
    first = flow.redeem(app, result).json()
    again = flow.redeem(app, result)
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})
    assert flow.api_get(app, flow.CONNECTIONS, first["access_token"]).status_code == 401
    assert flow.refresh(app, first["refresh_token"]).json() == {"error": "invalid_grant"}


def test_replay_also_revokes_tokens_refreshed_from_the_code(app: Client) -> None:
    result = flow.consent(app)
    first = flow.redeem(app, result).json()
    second = flow.refresh(app, first["refresh_token"]).json()
    flow.redeem(app, result)
    assert flow.refresh(app, second["refresh_token"]).json() == {"error": "invalid_grant"}


def test_code_expires_after_the_configured_lifetime(app: Client, settings) -> None:
    settings.SANDBOX_XERO_CODE_SECONDS = 60
    result = flow.consent(app)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert flow.redeem(app, result).json() == {"error": "invalid_grant"}


def test_redirect_uri_must_match_the_authorisation_request_exactly(app: Client) -> None:
    result = flow.consent(app)
    for uri in (flow.redirect_uri() + "x", flow.redirect_uri().rstrip("/"), None):
        assert flow.redeem(app, result, redirect_uri=uri).json() == {"error": "invalid_grant"}
    assert flow.redeem(app, result).status_code == 200


def test_unknown_code_is_invalid_grant(app: Client) -> None:
    result = flow.consent(app)
    result.code = "0" * 64
    assert flow.redeem(app, result).json() == {"error": "invalid_grant"}


def test_wrong_secret_or_unknown_client_is_invalid_client_401(app: Client) -> None:
    result = flow.consent(app)
    for header in (flow.basic(secret="nope"), flow.basic(client_id="other"), "Basic !!!"):
        response = flow.redeem(app, result, authorization=header)
        assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
        assert response["WWW-Authenticate"].startswith("Basic")
    assert flow.redeem(app, result).status_code == 200


def test_client_credentials_in_the_form_body_are_accepted(app: Client) -> None:
    response = flow.redeem(
        app,
        flow.consent(app),
        authorization=None,
        client_id=settings.XERO_CLIENT_ID,
        client_secret=settings.XERO_CLIENT_SECRET,
    )
    assert response.status_code == 200


def test_pkce_client_may_leave_out_the_secret(app: Client) -> None:
    body = flow.redeem(
        app, flow.consent(app), authorization=None, client_id=settings.XERO_CLIENT_ID
    ).json()
    assert body["access_token"]
    refreshed = flow.refresh(
        app, body["refresh_token"], authorization=None, client_id=settings.XERO_CLIENT_ID
    )
    assert refreshed.status_code == 200


def test_leaving_out_the_secret_without_pkce_is_invalid_client(app: Client) -> None:
    response = flow.redeem(
        app,
        flow.consent(app, pkce=False),
        authorization=None,
        client_id=settings.XERO_CLIENT_ID,
        code_verifier=None,
    )
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})


def test_confidential_tokens_cannot_be_refreshed_without_the_secret(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.refresh(
        app, body["refresh_token"], authorization=None, client_id=settings.XERO_CLIENT_ID
    )
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})


def test_missing_client_is_invalid_client(app: Client) -> None:
    response = flow.post_token(app, {"grant_type": "client_credentials"}, authorization=None)
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})


def test_unknown_or_missing_grant_type(app: Client) -> None:
    unknown = flow.post_token(app, {"grant_type": "password"})
    assert (unknown.status_code, unknown.json()) == (400, {"error": "unsupported_grant_type"})
    missing = flow.post_token(app, {})
    assert (missing.status_code, missing.json()) == (400, {"error": "invalid_request"})
    assert flow.post_token(app, {"grant_type": "authorization_code"}).json() == {
        "error": "invalid_request"
    }


def test_token_endpoint_answers_only_post(app: Client) -> None:
    assert app.get(flow.TOKEN).status_code == 405


def test_discovery_document_points_at_the_sandbox_endpoints(app: Client) -> None:
    document = app.get(reverse("sandbox:xero:discovery")).json()
    assert document["issuer"] == "http://testserver/sandbox/xero/identity"
    assert document["token_endpoint"] == "http://testserver" + flow.TOKEN
    assert document["code_challenge_methods_supported"] == ["S256"]
