"""Drives the Xero sandbox the way an app and a person do, through django.test.Client."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sandbox.core.crypto import s256
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, SANDBOX_USER

if TYPE_CHECKING:
    # What django.test.Client returns, in django-stubs' words (adds .json()).
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

FULL_SCOPE = (
    "openid profile email offline_access accounting.transactions accounting.contacts "
    "accounting.settings"
)
AUTHORIZE = reverse("sandbox:xero:authorize")
TOKEN = reverse("sandbox:xero:token")
REVOCATION = reverse("sandbox:xero:revocation")
CONNECTIONS = reverse("sandbox:xero:connections")
ORGANISATION = reverse("sandbox:xero:organisation")
CONSOLE = reverse("sandbox:xero:console")


def redirect_uri() -> str:
    return str(settings.SANDBOX_XERO_REDIRECT_URIS[0])


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


def basic(client_id: str | None = None, secret: str | None = None) -> str:
    pair = f"{client_id or settings.XERO_CLIENT_ID}:{secret or settings.XERO_CLIENT_SECRET}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def authorize_params(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": settings.XERO_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "scope": FULL_SCOPE,
        "state": "state-123",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def start(client: Client, **overrides: str | None) -> str:
    """GET the authorize URL; the sign-in page's URL."""
    response = client.get(AUTHORIZE, authorize_params(**overrides))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def sign_in(client: Client, sign_in_url: str, email: str = SANDBOX_USER) -> str:
    response = client.post(sign_in_url, {"user": email})
    assert response.status_code == 302, response.content
    return str(response["Location"])


def allow(client: Client, consent_url: str, tenant_ids: list[Any]) -> dict[str, str]:
    data = {"action": "allow", "organisations": [str(tenant) for tenant in tenant_ids]}
    response = client.post(consent_url, data)
    assert response.status_code == 302, response.content
    return query_of(str(response["Location"]))


@dataclass
class Consent:
    code: str
    verifier: str
    redirect: dict[str, str]


def consent(
    client: Client,
    email: str = SANDBOX_USER,
    tenant_ids: list[Any] | None = None,
    pkce: bool = True,
    **overrides: str | None,
) -> Consent:
    """The whole browser side: authorize, sign in, allow; the code the app receives."""
    verifier = new_verifier()
    if pkce:
        overrides.setdefault("code_challenge", s256(verifier))
        overrides.setdefault("code_challenge_method", "S256")
    consent_url = sign_in(client, start(client, **overrides), email)
    chosen = tenant_ids if tenant_ids is not None else [DEMO_COMPANY_UK, HARBOUR_BUILD]
    redirect = allow(client, consent_url, chosen)
    return Consent(redirect["code"], verifier, redirect)


# Stands for "HTTP Basic with the registered app's credentials".
APP_BASIC = "app-basic"


def redeem(
    client: Client, code: Consent, authorization: str | None = APP_BASIC, **overrides: str | None
) -> Response:
    data: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "code": code.code,
        "redirect_uri": redirect_uri(),
        "code_verifier": code.verifier,
    }
    data.update(overrides)
    return post_token(client, data, authorization)


def post_token(
    client: Client, data: dict[str, str | None], authorization: str | None = APP_BASIC
) -> Response:
    form = {key: value for key, value in data.items() if value is not None}
    if authorization is None:
        return client.post(TOKEN, form)
    header = basic() if authorization == APP_BASIC else authorization
    return client.post(TOKEN, form, headers={"Authorization": header})


def refresh(
    client: Client, refresh_token: str, authorization: str | None = APP_BASIC, **form: str
) -> Response:
    data: dict[str, str | None] = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    data.update(form)
    return post_token(client, data, authorization)


def tokens(client: Client, **overrides: Any) -> dict[str, Any]:
    """A token response for a fresh consent (both demo organisations by default)."""
    response = redeem(client, consent(client, **overrides))
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def api_get(client: Client, url: str, access_token: str, tenant: Any = None) -> Response:
    headers = bearer(access_token)
    if tenant is not None:
        headers["xero-tenant-id"] = str(tenant)
    return client.get(url, headers=headers, HTTP_ACCEPT="application/json")


API = "/sandbox/xero/api.xro/2.0"


@dataclass
class Xero:
    """An app calling the accounting API for one tenant, as django.test.Client requests."""

    client: Client
    token: str
    tenant: Any

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = bearer(self.token) | {"xero-tenant-id": str(self.tenant)}
        return headers | (extra or {})

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        return self.client.get(f"{API}/{path}", params or {}, headers=self.headers(headers))

    def put(self, path: str, body: Any, **options: Any) -> Response:
        return self._send("put", path, body, **options)

    def post(self, path: str, body: Any, **options: Any) -> Response:
        return self._send("post", path, body, **options)

    def delete(self, path: str) -> Response:
        return self.client.delete(f"{API}/{path}", headers=self.headers())

    def _send(
        self,
        method: str,
        path: str,
        body: Any,
        params: str = "",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Response:
        url = f"{API}/{path}" + (f"?{params}" if params else "")
        data = raw if raw is not None else json.dumps(body)
        send = getattr(self.client, method)
        response: Response = send(
            url, data=data, content_type="application/json", headers=self.headers(headers)
        )
        return response


def xero_for(client: Client, tenant: Any = DEMO_COMPANY_UK, **consent: Any) -> Xero:
    body = tokens(client, **consent)
    return Xero(client, body["access_token"], tenant)
