"""Drives the Sage sandbox the way an app and a person do, through django.test.Client."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sandbox.core.crypto import s256
from sandbox.sage.controls import issue_tokens_for
from sandbox.sage.seed import DEMO_HIRE_UK, SANDBOX_USER

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

AUTHORIZE = reverse("sandbox:sage:authorize")
TOKEN = reverse("sandbox:sage:token")
REVOKE = reverse("sandbox:sage:revoke")
API = "/sandbox/sage/v3.1"


def redirect_uri() -> str:
    return str(settings.SANDBOX_SAGE_REDIRECT_URIS[0])


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


def authorize_params(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "filter": "apiv3.1",
        "response_type": "code",
        "client_id": settings.SAGE_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "scope": "full_access",
        "state": "state-123",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def start(client: Client, **overrides: str | None) -> str:
    response = client.get(AUTHORIZE, authorize_params(**overrides))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def sign_in(client: Client, sign_in_url: str, email: str = SANDBOX_USER) -> str:
    response = client.post(sign_in_url, {"user": email})
    assert response.status_code == 302, response.content
    return str(response["Location"])


def allow(client: Client, consent_url: str) -> str:
    response = client.post(consent_url, {"action": "allow"})
    assert response.status_code == 302, response.content
    return str(response["Location"])


def allow_or_location(client: Client, email: str = SANDBOX_USER, **overrides: str | None) -> str:
    """Where the browser goes after signing in: the consent screen, or back to the app."""
    response = client.post(start(client, **overrides), {"user": email})
    assert response.status_code == 302, response.content
    return str(response["Location"])


@dataclass
class Consent:
    code: str
    verifier: str
    location: str

    @property
    def redirect(self) -> dict[str, str]:
        return query_of(self.location)


def consent(
    client: Client, email: str = SANDBOX_USER, pkce: bool = True, **overrides: str | None
) -> Consent:
    """The browser side: authorize, sign in, allow; the code the app receives."""
    verifier = new_verifier()
    if pkce:
        overrides.setdefault("code_challenge", s256(verifier))
        overrides.setdefault("code_challenge_method", "S256")
    location = allow(client, sign_in(client, start(client, **overrides), email))
    return Consent(query_of(location)["code"], verifier, location)


def post_token(client: Client, data: dict[str, str | None]) -> Response:
    form = {
        "client_id": settings.SAGE_CLIENT_ID,
        "client_secret": settings.SAGE_CLIENT_SECRET,
        **data,
    }
    return client.post(TOKEN, {key: value for key, value in form.items() if value is not None})


def redeem(client: Client, code: Consent, **overrides: str | None) -> Response:
    data: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "code": code.code,
        "redirect_uri": redirect_uri(),
        "code_verifier": code.verifier,
    }
    data.update(overrides)
    return post_token(client, data)


def refresh(client: Client, refresh_token: str, **overrides: str | None) -> Response:
    data: dict[str, str | None] = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    data.update(overrides)
    return post_token(client, data)


def tokens(client: Client, **overrides: Any) -> dict[str, Any]:
    response = redeem(client, consent(client, **overrides))
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Sage:
    """An app calling the accounting API for one business, as django.test.Client requests."""

    client: Client
    token: str
    business: str | None = DEMO_HIRE_UK

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.business is not None:
            headers["X-Business"] = self.business
        return headers | (extra or {})

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Response:
        return self.client.get(
            f"{API}/{path}", params or {}, headers=self.headers(kw.get("headers"))
        )

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self._send("post", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Response:
        return self._send("put", path, body, **kw)

    def delete(self, path: str, params: str = "") -> Response:
        url = f"{API}/{path}" + (f"?{params}" if params else "")
        return self.client.delete(url, headers=self.headers())

    def _send(
        self, method: str, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> Response:
        data = "" if body is None else json.dumps(body)
        send = getattr(self.client, method)
        response: Response = send(
            f"{API}/{path}",
            data=data,
            content_type="application/json",
            headers=self.headers(headers),
        )
        return response


def sage_for(client: Client, business: str | None = DEMO_HIRE_UK, **issue: Any) -> Sage:
    """Tokens issued without a browser (controls.issue_tokens_for), for one business."""
    return Sage(client, issue_tokens_for(**issue)["access_token"], business)


def controls_tokens(**issue: Any) -> dict[str, Any]:
    return issue_tokens_for(**issue)
