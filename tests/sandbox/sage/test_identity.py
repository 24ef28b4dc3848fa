"""The OAuth side: authorize URL, consent, code exchange, refresh rotation, revoke."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.core.crypto import s256
from sandbox.sage import controls, inspect
from sandbox.sage.seed import OTHER_USER, SANDBOX_USER
from tests.sandbox.sage import flow


def test_the_authorize_url_needs_the_api_filter(browser: Client) -> None:
    response = browser.get(flow.AUTHORIZE, flow.authorize_params(filter=None))
    assert response.status_code == 400
    assert "filter=apiv3.1" in response.content.decode()


def test_an_unregistered_redirect_uri_is_refused_on_the_page(browser: Client) -> None:
    response = browser.get(
        flow.AUTHORIZE, flow.authorize_params(redirect_uri=flow.redirect_uri() + "x")
    )
    assert response.status_code == 400
    assert "Location" not in response


def test_an_unknown_scope_goes_back_to_the_app(browser: Client) -> None:
    location = flow.start(browser, scope="accounting.transactions")
    assert flow.query_of(location) == {
        "error": "invalid_scope",
        "error_description": "scope must be full_access or readonly",
        "state": "state-123",
    }


def test_the_callback_carries_a_region_prefixed_code_the_country_and_the_state(
    browser: Client,
) -> None:
    given = flow.consent(browser)
    assert given.location.startswith(flow.redirect_uri() + "?code=GB%2F")
    assert given.redirect["country"] == "GB" and given.redirect["state"] == "state-123"
    assert given.code.startswith("GB/")


def test_a_user_of_another_country_than_asked_gets_sages_error(browser: Client) -> None:
    location = flow.allow_or_location(browser, country="gb", email=OTHER_USER)
    assert flow.query_of(location) == {
        "error": "Invalid request",
        "reason": "Email already in use",
        "state": "state-123",
    }


def test_denying_consent_sends_access_denied(browser: Client) -> None:
    consent_url = flow.sign_in(browser, flow.start(browser))
    response = browser.post(consent_url, {"action": "cancel"})
    assert flow.query_of(response["Location"]) == {"error": "access_denied", "state": "state-123"}


def test_the_code_exchange_returns_sages_token_body(browser: Client, app_client: Client) -> None:
    response = flow.redeem(app_client, flow.consent(browser))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {
        "access_token",
        "expires_in",
        "token_type",
        "refresh_token",
        "refresh_token_expires_in",
        "scope",
        "requested_by_id",
    }
    assert body["expires_in"] == 300 and body["refresh_token_expires_in"] == 2_678_400
    assert body["scope"] == "full_access"
    assert body["requested_by_id"] == controls.grant_for(SANDBOX_USER).user.guid


def test_a_code_is_single_use(browser: Client, app_client: Client) -> None:
    code = flow.consent(browser)
    assert flow.redeem(app_client, code).status_code == 200
    again = flow.redeem(app_client, code)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}


def test_a_code_lasts_sixty_seconds(browser: Client, app_client: Client) -> None:
    early, late = flow.consent(browser), flow.consent(browser)
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        assert flow.redeem(app_client, early).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = flow.redeem(app_client, late)
    assert response.status_code == 400 and response.json() == {"error": "invalid_grant"}


def test_the_code_window_comes_from_settings(browser: Client, app_client: Client, settings) -> None:
    settings.SANDBOX_SAGE_CODE_SECONDS = 5
    code = flow.consent(browser)
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        assert flow.redeem(app_client, code).json() == {"error": "invalid_grant"}


def test_a_different_redirect_uri_is_invalid_grant(browser: Client, app_client: Client) -> None:
    response = flow.redeem(
        app_client, flow.consent(browser), redirect_uri=flow.redirect_uri() + "/"
    )
    assert response.status_code == 400 and response.json() == {"error": "invalid_grant"}


def test_pkce_s256_needs_the_right_verifier(browser: Client, app_client: Client) -> None:
    code = flow.consent(browser)
    wrong = flow.redeem(app_client, code, code_verifier=flow.new_verifier())
    assert wrong.json() == {"error": "invalid_grant"}


def test_pkce_plain_is_accepted(browser: Client, app_client: Client) -> None:
    verifier = flow.new_verifier()
    code = flow.consent(browser, pkce=False, code_challenge=verifier, code_challenge_method="plain")
    assert flow.redeem(app_client, code, code_verifier=verifier).status_code == 200


def test_pkce_s256_challenge_round_trip(browser: Client, app_client: Client) -> None:
    verifier = flow.new_verifier()
    code = flow.consent(
        browser, pkce=False, code_challenge=s256(verifier), code_challenge_method="S256"
    )
    assert flow.redeem(app_client, code, code_verifier=verifier).status_code == 200


def test_a_wrong_client_secret_is_invalid_client(browser: Client, app_client: Client) -> None:
    response = flow.redeem(app_client, flow.consent(browser), client_secret="nope")
    assert response.status_code == 401 and response.json() == {"error": "invalid_client"}


def test_refresh_rotates_both_tokens_and_the_old_refresh_token_dies(app_client: Client) -> None:
    first = controls.issue_tokens_for()
    response = flow.refresh(app_client, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["expires_in"] == 300 and second["refresh_token_expires_in"] == 2_678_400
    replay = flow.refresh(app_client, first["refresh_token"])
    assert replay.status_code == 400 and replay.json() == {"error": "invalid_grant"}
    assert flow.refresh(app_client, second["refresh_token"]).status_code == 200
    assert inspect.count_refreshes() == 2
    assert [item.outcome for item in inspect.superseded_presentations()] == ["invalid_grant"]


def test_refresh_tokens_lapse_after_31_days(app_client: Client) -> None:
    kept, lapsed = controls.issue_tokens_for(), controls.issue_tokens_for()
    with time_machine.travel(timezone.now() + timedelta(days=30, hours=23)):
        assert flow.refresh(app_client, kept["refresh_token"]).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31, seconds=1)):
        response = flow.refresh(app_client, lapsed["refresh_token"])
    assert response.json() == {"error": "invalid_grant"}


def test_lifetimes_come_from_settings(app_client: Client, settings) -> None:
    settings.SANDBOX_SAGE_ACCESS_TOKEN_SECONDS = 2
    settings.SANDBOX_SAGE_REFRESH_TOKEN_SECONDS = 10
    body = controls.issue_tokens_for()
    assert body["expires_in"] == 2 and body["refresh_token_expires_in"] == 10


def test_an_unsupported_grant_type_is_invalid_grant(app_client: Client) -> None:
    response = flow.post_token(app_client, {"grant_type": "client_credentials"})
    assert response.status_code == 400 and response.json() == {"error": "invalid_grant"}


def test_revoke_answers_ok_and_ends_refresh(app_client: Client) -> None:
    body = controls.issue_tokens_for()
    response = app_client.post(
        flow.REVOKE,
        {
            "client_id": "patchbay-sage-sandbox",
            "client_secret": "sage-sandbox-secret-not-for-production",
            "token": body["refresh_token"],
        },
    )
    assert response.status_code == 200 and response.json() == {"success": "ok"}
    assert flow.refresh(app_client, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_revoke_needs_the_client_secret(app_client: Client) -> None:
    body = controls.issue_tokens_for()
    response = app_client.post(
        flow.REVOKE, {"client_id": "patchbay-sage-sandbox", "token": body["refresh_token"]}
    )
    assert response.status_code == 401
    assert flow.refresh(app_client, body["refresh_token"]).status_code == 200
