"""The Graph sandbox's identity platform: consent, PKCE code exchange, refresh rotation
without revoking the old token, offline_access, tenants, and consent removal."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from sandbox.core.crypto import s256
from sandbox.microsoft_graph.identity import remove_consent
from sandbox.microsoft_graph.models import GraphUser
from sandbox.microsoft_graph.seed import PERSONAL_USER, WORK_USER, ensure_demo_world

CALLBACK = "http://testserver/settings/integrations/outlook/callback/"
VERIFIER = "v" * 64
BASE = "/sandbox/microsoft-graph/login"


@pytest.fixture
def registered(db: None, settings: Any) -> Any:
    settings.SANDBOX_GRAPH_REDIRECT_URIS = [CALLBACK]
    ensure_demo_world()
    return settings


def consent(scope: str, email: str = WORK_USER, tenant: str = "common") -> dict[str, list[str]]:
    browser = Client()
    params = {
        "client_id": "00000000-0000-4000-8000-00000000b0a7",
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": "st",
        "code_challenge": s256(VERIFIER),
        "code_challenge_method": "S256",
    }
    step = browser.get(f"{BASE}/{tenant}/oauth2/v2.0/authorize", params)
    step = browser.post(step["Location"], {"email": email})
    if "consent" in step["Location"]:
        step = browser.post(step["Location"], {"action": "accept"})
    return parse_qs(urlparse(step["Location"]).query)


def token(registered: Any, **form: str) -> Any:
    app = {
        "client_id": registered.OUTLOOK_CLIENT_ID,
        "client_secret": registered.OUTLOOK_CLIENT_SECRET,
    }
    return Client().post(f"{BASE}/common/oauth2/v2.0/token", {**app, **form})


def redeem(registered: Any, code: str) -> Any:
    return token(
        registered,
        grant_type="authorization_code",
        code=code,
        redirect_uri=CALLBACK,
        code_verifier=VERIFIER,
    )


def test_refresh_tokens_rotate_and_the_old_one_still_works(registered: Any) -> None:
    answer = consent("openid profile offline_access Calendars.ReadWrite")
    body = redeem(registered, answer["code"][0]).json()
    assert answer["state"] == ["st"] and body["id_token"] and body["token_type"] == "Bearer"
    first = body["refresh_token"]
    rotated = token(registered, grant_type="refresh_token", refresh_token=first).json()
    assert rotated["refresh_token"] != first
    again = token(registered, grant_type="refresh_token", refresh_token=first)
    assert again.status_code == 200


def test_no_refresh_token_without_offline_access(registered: Any) -> None:
    body = redeem(registered, consent("Calendars.ReadWrite")["code"][0]).json()
    assert "refresh_token" not in body and body["access_token"]


def test_a_wrong_verifier_is_invalid_grant(registered: Any) -> None:
    code = consent("offline_access Calendars.ReadWrite")["code"][0]
    answer = token(
        registered,
        grant_type="authorization_code",
        code=code,
        redirect_uri=CALLBACK,
        code_verifier="w" * 64,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_organizations_tenant_refuses_a_personal_account(registered: Any) -> None:
    answer = consent("Calendars.ReadWrite", PERSONAL_USER, tenant="organizations")
    assert (
        answer["error"] == ["invalid_request"] and "AADSTS50020" in answer["error_description"][0]
    )


def test_removed_consent_makes_refresh_invalid_grant(registered: Any) -> None:
    body = redeem(registered, consent("offline_access Calendars.ReadWrite")["code"][0]).json()
    remove_consent(GraphUser.objects.get(email=WORK_USER), registered.OUTLOOK_CLIENT_ID)
    answer = token(registered, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_console_page_shows_the_account(registered: Any) -> None:
    page = Client().get("/sandbox/microsoft-graph/console/")
    assert page.status_code == 200 and WORK_USER.encode() in page.content
