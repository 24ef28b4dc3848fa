"""The sandbox's accounts.google.com and oauth2.googleapis.com: the consent screen
(exact redirect URI, state, Cancel, unticked scopes, incremental consent), codes (once,
for a while, with their PKCE verifier), access tokens (their lifetime, then 401),
refresh tokens (first consent or prompt=consent only, never rotated) and revocation
(every token of the grant, at once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from sandbox.google_calendar.models import GoogleGrant, GoogleToken
from tests.sandbox.google_calendar.discovery import reason_of
from tests.sandbox.google_calendar.flow import (
    APP_CREATED,
    AUTHORIZE,
    CALENDAR_LIST,
    EVENTS,
    PATCHBAY_SCOPES,
    Google,
    consent,
    redeem,
    redirect_uri,
    refresh,
    revoke,
    tokens,
)


def _calendars(client: Client, access_token: str) -> int:
    return Google(client, access_token).get("users/me/calendarList").status_code


def test_a_redirect_uri_that_is_not_registered_exactly_gets_a_page_not_a_redirect(
    app: Client,
) -> None:
    params = {
        "response_type": "code",
        "client_id": "patchbay-sandbox.apps.googleusercontent.test",
        "redirect_uri": redirect_uri() + "extra",
        "scope": EVENTS,
    }
    answer = app.get(AUTHORIZE, params)
    assert answer.status_code == 400 and "Location" not in answer
    assert "redirect_uri" in answer.content.decode()


def test_consent_echoes_state_and_cancel_is_access_denied(app: Client) -> None:
    allowed = consent(app)
    assert allowed.redirect["state"] == "state-42" and allowed.code
    cancelled = consent(app, action="cancel")
    assert cancelled.redirect == {"error": "access_denied", "state": "state-42"}


def test_unticked_scopes_are_left_out_of_the_token_and_refused_by_the_api(app: Client) -> None:
    body = tokens(app, ticked=(CALENDAR_LIST,))
    assert body["scope"] == CALENDAR_LIST
    api = Google(app, body["access_token"])
    assert api.get("users/me/calendarList").status_code == 200
    refused = api.get("calendars/primary/events")
    assert refused.status_code == 403 and reason_of(refused.json()) == "insufficientPermissions"


def test_include_granted_scopes_adds_to_what_was_granted_before(app: Client) -> None:
    tokens(app, scopes=(CALENDAR_LIST,))
    body = tokens(app, scopes=(EVENTS,), include_granted_scopes="true")
    assert set(body["scope"].split()) == {CALENDAR_LIST, EVENTS}
    narrow = tokens(app, scopes=(APP_CREATED,))
    assert narrow["scope"] == APP_CREATED  # without it, only what was asked now


def test_a_code_is_redeemed_once_with_its_verifier_before_it_expires(
    app: Client, settings: Any
) -> None:
    given = consent(app)
    wrong = redeem(app, given, code_verifier="x" * 50)
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant"})
    given = consent(app)
    assert redeem(app, given).status_code == 200
    assert redeem(app, given).json() == {"error": "invalid_grant"}  # used already
    settings.SANDBOX_GOOGLE_CALENDAR_CODE_SECONDS = 0
    late = consent(app)
    assert redeem(app, late).json() == {"error": "invalid_grant"}


def test_access_tokens_last_the_configured_lifetime_then_get_401(
    app: Client, settings: Any
) -> None:
    settings.SANDBOX_GOOGLE_CALENDAR_ACCESS_TOKEN_SECONDS = 60
    body = tokens(app)
    assert (body["expires_in"], body["token_type"]) == (60, "Bearer")
    token = GoogleToken.objects.get(kind=GoogleToken.Kind.ACCESS)
    assert timedelta(seconds=55) < token.expires_at - timezone.now() <= timedelta(seconds=60)
    assert _calendars(app, body["access_token"]) == 200
    GoogleToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())  # an hour on
    expired = Google(app, body["access_token"]).get("users/me/calendarList")
    assert expired.status_code == 401 and reason_of(expired.json()) == "authError"


def test_a_refresh_token_comes_with_the_first_offline_consent_or_a_forced_one_only(
    app: Client,
) -> None:
    assert "refresh_token" not in tokens(app, access_type="online")
    first = tokens(app)
    assert first["refresh_token"].startswith("1//")
    assert "refresh_token" not in tokens(app)  # Google remembers the consent
    forced = tokens(app, prompt="consent")
    assert forced["refresh_token"] not in ("", first["refresh_token"])


def test_a_refresh_answers_an_access_token_alone_and_the_refresh_token_lives_on(
    app: Client,
) -> None:
    first = tokens(app)
    for _ in range(2):
        answer = refresh(app, first["refresh_token"])
        assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
        body = answer.json()
        assert "refresh_token" not in body
        assert set(body["scope"].split()) == set(PATCHBAY_SCOPES)
        assert body["access_token"] != first["access_token"]
        assert _calendars(app, body["access_token"]) == 200


def test_revoking_any_token_ends_the_whole_grant_at_once(app: Client) -> None:
    first = tokens(app)
    refreshed = refresh(app, first["refresh_token"]).json()

    assert revoke(app, refreshed["access_token"]).status_code == 200

    assert _calendars(app, first["access_token"]) == 401
    assert _calendars(app, refreshed["access_token"]) == 401
    dead = refresh(app, first["refresh_token"])
    assert (dead.status_code, dead.json()) == (400, {"error": "invalid_grant"})
    assert GoogleGrant.objects.get().revoked_at is not None
    again = tokens(app)  # consenting again authorises the app afresh, with a refresh token
    assert again["refresh_token"] and _calendars(app, again["access_token"]) == 200


def test_revoke_answers_the_same_for_an_unknown_token_and_wants_one(app: Client) -> None:
    assert revoke(app, "1//unknown").status_code == 200
    assert app.post("/sandbox/google-calendar/revoke").status_code == 400
