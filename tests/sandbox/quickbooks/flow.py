"""Drives the QuickBooks sandbox the way an app and a person do, through django.test.Client."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sandbox.quickbooks import controls
from sandbox.quickbooks.seed import SANDBOX_USER, UK_REALM, US_REALM

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

__all__ = ["UK_REALM", "US_REALM"]

SCOPE = "com.intuit.quickbooks.accounting openid email"
AUTHORIZE = reverse("sandbox:quickbooks:authorize")
TOKEN = reverse("sandbox:quickbooks:token")
REVOKE = reverse("sandbox:quickbooks:revoke")
CONSOLE = reverse("sandbox:quickbooks:console")
APP_BASIC = "app-basic"


def redirect_uri() -> str:
    return str(settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS[0])


def basic(client_id: str | None = None, secret: str | None = None) -> str:
    client_id = client_id or settings.QUICKBOOKS_CLIENT_ID
    pair = f"{client_id}:{secret or settings.QUICKBOOKS_CLIENT_SECRET}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def authorize_params(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": settings.QUICKBOOKS_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "scope": SCOPE,
        "state": "state-123",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def consent(
    client: Client, realm_id: str = US_REALM, email: str = SANDBOX_USER, **overrides: str | None
) -> dict[str, str]:
    """Authorize, sign in and pick the company: the query the app's callback receives."""
    response = client.get(AUTHORIZE, authorize_params(**overrides))
    assert response.status_code == 302, response.content
    response = client.post(response["Location"], {"user": email})
    assert response.status_code == 302, response.content
    response = client.post(response["Location"], {"action": "connect", "company": realm_id})
    assert response.status_code == 302, response.content
    return query_of(str(response["Location"]))


def post_token(
    client: Client, data: dict[str, str], authorization: str | None = APP_BASIC
) -> Response:
    headers = (
        {}
        if authorization is None
        else {"Authorization": basic() if authorization == APP_BASIC else authorization}
    )
    return client.post(TOKEN, data, headers=headers)


def redeem(client: Client, code: str, **overrides: str) -> Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri()}
    return post_token(client, data | overrides)


def refresh(client: Client, refresh_token: str, authorization: str | None = APP_BASIC) -> Response:
    return post_token(
        client, {"grant_type": "refresh_token", "refresh_token": refresh_token}, authorization
    )


def revoke(client: Client, token: str) -> Response:
    return client.post(
        REVOKE,
        json.dumps({"token": token}),
        content_type="application/json",
        headers={"Authorization": basic()},
    )


@dataclass
class Qbo:
    """An app calling the accounting API of one realm."""

    client: Client
    token: str
    realm: str

    def url(self, path: str) -> str:
        return f"/sandbox/quickbooks/v3/company/{self.realm}/{path}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.client.get(
            self.url(path), {"minorversion": "75", **(params or {})}, headers=self.headers()
        )

    def post(self, path: str, body: Any, params: str = "") -> Response:
        query = "minorversion=75" + (f"&{params}" if params else "")
        return self.client.post(
            f"{self.url(path)}?{query}",
            json.dumps(body),
            content_type="application/json",
            headers=self.headers(),
        )

    def query(self, statement: str) -> Response:
        return self.get("query", {"query": statement})

    def create(self, entity: str, body: Any) -> dict[str, Any]:
        response = self.post(entity.lower(), body)
        assert response.status_code == 200, response.content
        created: dict[str, Any] = response.json()[entity]
        return created


def qbo_for(client: Client, realm: str = US_REALM) -> Qbo:
    return Qbo(client, controls.connect(realm).access_token, realm)


def invoice_body(customer: str = "1", amount: float = 170, **extra: Any) -> dict[str, Any]:
    return {
        "CustomerRef": {"value": customer},
        "Line": [
            {
                "DetailType": "SalesItemLineDetail",
                "Amount": amount,
                "Description": "Scissor lift hire",
                "SalesItemLineDetail": {"ItemRef": {"value": "2"}, "TaxCodeRef": {"value": "TAX"}},
            }
        ],
        **extra,
    }
