"""Intuit's OAuth 2.0 in the sandbox: consent, code exchange, refresh rotation, revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from sandbox.quickbooks import controls, inspect
from sandbox.quickbooks.seed import OTHER_REALM, UK_REALM, US_REALM
from tests.sandbox.quickbooks import flow


def connect(client: Client, realm: str = US_REALM) -> dict[str, Any]:
    redirect = flow.consent(client, realm)
    response = flow.redeem(client, redirect["code"])
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_consent_redirects_with_code_state_and_realm(visitor: Client) -> None:
    redirect = flow.consent(visitor, UK_REALM)
    assert redirect["state"] == "state-123"
    assert redirect["realmId"] == UK_REALM
    assert redirect["code"]


def test_code_exchange_returns_intuit_token_response(visitor: Client) -> None:
    body = connect(visitor)
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["x_refresh_token_expires_in"] == 100 * 86400
    assert body["id_token"].count(".") == 2  # openid was asked for
    company = flow.Qbo(visitor, body["access_token"], US_REALM).get(f"companyinfo/{US_REALM}")
    assert company.status_code == 200


def test_cancel_sends_access_denied(visitor: Client) -> None:
    response = visitor.get(flow.AUTHORIZE, flow.authorize_params())
    response = visitor.post(response["Location"], {"user": "sandbox.user@intuit.test"})
    response = visitor.post(response["Location"], {"action": "cancel"})
    assert flow.query_of(response["Location"]) == {"error": "access_denied", "state": "state-123"}


def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(visitor: Client) -> None:
    params = flow.authorize_params(redirect_uri="https://evil.example/callback")
    response = visitor.get(flow.AUTHORIZE, params)
    assert response.status_code == 400
    assert b"redirect_uri" in response.content


def test_unknown_scope_goes_back_to_the_app(visitor: Client) -> None:
    response = visitor.get(flow.AUTHORIZE, flow.authorize_params(scope="com.intuit.nope"))
    assert response.status_code == 302
    assert flow.query_of(response["Location"])["error"] == "invalid_scope"


def test_code_redeemed_with_another_redirect_uri_is_invalid_grant(
    visitor: Client, settings: Any
) -> None:
    settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [
        flow.redirect_uri(),
        "http://127.0.0.1:8000/other/",
    ]
    code = flow.consent(visitor)["code"]
    response = flow.redeem(visitor, code, redirect_uri="http://127.0.0.1:8000/other/")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


def test_expired_code_is_invalid_grant(visitor: Client) -> None:
    code = flow.consent(visitor)["code"]
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        response = flow.redeem(visitor, code)
    assert response.json() == {"error": "invalid_grant"}


def test_code_is_single_use(visitor: Client) -> None:
    code = flow.consent(visitor)["code"]
    assert flow.redeem(visitor, code).status_code == 200
    assert flow.redeem(visitor, code).json() == {"error": "invalid_grant"}


def test_wrong_client_secret_is_invalid_client(visitor: Client) -> None:
    code = flow.consent(visitor)["code"]
    response = flow.post_token(
        visitor,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri()},
        flow.basic(secret="wrong"),
    )
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_client_secret_post_is_accepted(visitor: Client, settings: Any) -> None:
    code = flow.consent(visitor)["code"]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow.redirect_uri(),
        "client_id": settings.QUICKBOOKS_CLIENT_ID,
        "client_secret": settings.QUICKBOOKS_CLIENT_SECRET,
    }
    assert flow.post_token(visitor, data, authorization=None).status_code == 200


def test_refresh_within_a_day_keeps_the_value_and_extends_it(app: Client) -> None:
    tokens = controls.connect(US_REALM)
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        body = flow.refresh(app, tokens.refresh_token).json()
    assert body["refresh_token"] == tokens.refresh_token
    assert body["access_token"] != tokens.access_token
    assert body["x_refresh_token_expires_in"] == 100 * 86400
    assert inspect.refresh_outcomes(tokens.refresh_token) == ["kept"]


def test_refresh_after_a_day_rotates_and_the_old_value_works_for_a_day(app: Client) -> None:
    tokens = controls.connect(US_REALM)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        rotated = flow.refresh(app, tokens.refresh_token).json()["refresh_token"]
    assert rotated != tokens.refresh_token
    with time_machine.travel(start + timedelta(hours=30), tick=False):
        again = flow.refresh(app, tokens.refresh_token)
    assert again.status_code == 200  # the replaced value is still good within the overlap
    newest = again.json()["refresh_token"]
    with time_machine.travel(start + timedelta(hours=49, minutes=1), tick=False):
        late = flow.refresh(app, tokens.refresh_token)
        fresh = flow.refresh(app, newest)
    assert late.json() == {"error": "invalid_grant"}
    assert fresh.status_code == 200
    assert inspect.refresh_outcomes(tokens.refresh_token) == ["rotated", "overlap", "invalid_grant"]


def test_single_use_mode_rotates_every_time(app: Client, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_REFRESH_SINGLE_USE = True
    tokens = controls.connect(US_REALM)
    first = flow.refresh(app, tokens.refresh_token)
    assert first.json()["refresh_token"] != tokens.refresh_token
    assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}
    assert flow.refresh(app, first.json()["refresh_token"]).status_code == 200


def test_unused_refresh_token_lapses_after_100_days(app: Client) -> None:
    tokens = controls.connect(US_REALM)
    with time_machine.travel(timezone.now() + timedelta(days=100, seconds=1), tick=False):
        assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}


def test_hard_expiry_ends_refresh_and_the_field_is_optional(app: Client, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_SEND_HARD_EXPIRY = True
    tokens = controls.connect(US_REALM)
    body = flow.refresh(app, tokens.refresh_token).json()
    assert 0 < body["x_refresh_token_hard_expires_in"] <= 5 * 365 * 86400
    controls.reach_hard_expiry(US_REALM)
    assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}


def test_revoke_ends_the_connection(app: Client) -> None:
    tokens = controls.connect(US_REALM)
    assert flow.revoke(app, tokens.refresh_token).status_code == 200
    assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}
    response = flow.Qbo(app, tokens.access_token, US_REALM).get(f"companyinfo/{US_REALM}")
    assert response.status_code == 401
    assert response.json()["fault"]["error"][0]["code"] == "3200"


def test_expired_access_token_gets_the_gateway_401(app: Client) -> None:
    qbo = flow.qbo_for(app)
    with time_machine.travel(timezone.now() + timedelta(seconds=3601), tick=False):
        response = qbo.get(f"companyinfo/{qbo.realm}")
    assert response.status_code == 401
    fault = response.json()["fault"]
    assert fault["type"] == "AUTHENTICATION"
    assert "errorCode=003200" in fault["error"][0]["message"]


def test_a_token_works_for_its_own_realm_only(app: Client) -> None:
    qbo = flow.qbo_for(app, US_REALM)
    other = flow.Qbo(app, qbo.token, OTHER_REALM)
    response = other.get(f"companyinfo/{OTHER_REALM}")
    assert response.status_code == 403
    assert response.json()["fault"]["type"] == "AUTHORIZATION"


def test_token_without_accounting_scope_is_forbidden(app: Client) -> None:
    tokens = controls.connect(US_REALM, scope="openid email")
    response = flow.Qbo(app, tokens.access_token, US_REALM).get("preferences")
    assert response.status_code == 403


def test_discovery_names_the_endpoints(app: Client) -> None:
    body = app.get("/sandbox/quickbooks/.well-known/openid_configuration").json()
    assert body["token_endpoint"].endswith("/sandbox/quickbooks/oauth2/v1/tokens/bearer")
    assert body["jwks_uri"] == f"{body['issuer']}/jwks"
    assert body["id_token_signing_alg_values_supported"] == ["RS256"]
    assert body["revocation_endpoint"].endswith("/sandbox/quickbooks/v2/oauth2/tokens/revoke")
    assert "com.intuit.quickbooks.accounting" in body["scopes_supported"]


@pytest.mark.parametrize("mode", ["outage", "error_500"])
def test_token_endpoint_faults(app: Client, mode: str) -> None:
    from sandbox.quickbooks import faults

    tokens = controls.connect(US_REALM)
    faults.set_fault("token", mode)
    response = flow.refresh(app, tokens.refresh_token)
    assert response.status_code in (500, 503)
    faults.clear_faults()
    assert flow.refresh(app, tokens.refresh_token).status_code == 200


def test_the_id_token_is_rs256_signed_by_a_jwks_key_and_echoes_the_nonce(visitor: Client) -> None:
    """As Intuit: pick the JWKS key by the token's kid, then check the claims."""
    from joserfc import jwt
    from joserfc.jwk import KeySet

    redirect = flow.consent(visitor, US_REALM, nonce="n-0S6_WzA2Mj")
    body = flow.redeem(visitor, redirect["code"]).json()
    keys = KeySet.import_key_set(visitor.get("/sandbox/quickbooks/op/v1/jwks").json())

    token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])

    assert token.header["alg"] == "RS256" and token.header["kid"]
    assert token.claims["nonce"] == "n-0S6_WzA2Mj"
    assert token.claims["realmid"] == US_REALM
    assert token.claims["aud"] == [settings.QUICKBOOKS_CLIENT_ID]
    assert token.claims["iss"].endswith("/sandbox/quickbooks/op/v1")
