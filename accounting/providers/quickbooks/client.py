"""Where a company's API lives, the parameters every call carries, and Intuit's faults.

The company root is ``{base}/v3/company/{realmId}``; ``base`` is production's or, for an
organisation that chose it on its QuickBooks settings page, Intuit's sandbox environment.
https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from integrations import http, tokens
from integrations.errors import ProviderError
from integrations.models import Connection, ProviderApp

SLUG = "quickbooks"
# Stale object: the SyncToken sent is not the entity's current one.
STALE = "5010"


def provider_app(organisation_id: int) -> ProviderApp | None:
    return ProviderApp.objects.filter(organisation_id=organisation_id, provider=SLUG).first()


def api_base(organisation_id: int) -> str:
    app = provider_app(organisation_id)
    if app is not None and app.environment == ProviderApp.Environment.SANDBOX:
        return str(settings.QUICKBOOKS_SANDBOX_API_BASE)
    return str(settings.QUICKBOOKS_API_BASE)


def web_url_template(organisation_id: int) -> str:
    """Where a transaction opens in QuickBooks' web app (or the local console), with
    {kind}, {id} and {realm} to fill in."""
    app = provider_app(organisation_id)
    sandbox = app is not None and app.environment == ProviderApp.Environment.SANDBOX
    return str(settings.QUICKBOOKS_SANDBOX_WEB_URL if sandbox else settings.QUICKBOOKS_WEB_URL)


def company_url(organisation_id: int, realm_id: str) -> str:
    return f"{api_base(organisation_id)}/v3/company/{realm_id}"


def params(**extra: str) -> dict[str, str]:
    """Every call pins ``minorversion`` (Intuit treats 1-74 as 75 since August 2025)."""
    return {"minorversion": str(settings.QUICKBOOKS_MINOR_VERSION), **extra}


@dataclass(frozen=True)
class Fault:
    """Intuit's error envelope: the API's ``Fault`` (400, or inside a 200 batch item) or
    the gateway's lower-case ``fault`` (401, 403, 429)."""

    kind: str
    codes: tuple[str, ...]
    message: str

    @property
    def stale(self) -> bool:
        return STALE in self.codes


def fault(body: Any) -> Fault | None:
    if not isinstance(body, dict):
        return None
    envelope = body.get("Fault") or body.get("fault")
    if not isinstance(envelope, dict):
        return None
    errors = envelope.get("Error") or envelope.get("error") or []
    codes, texts = [], []
    for error in errors if isinstance(errors, list) else []:
        codes.append(str(error.get("code", "")))
        message = error.get("Message") or error.get("message") or ""
        detail = error.get("Detail") or error.get("detail") or ""
        texts.append(f"{message}: {detail}" if detail and detail != message else str(message))
    kind = str(envelope.get("type", ""))
    text = "; ".join(t for t in texts if t) or f"QuickBooks refused the request ({kind})"
    return Fault(kind, tuple(codes), f"{text} (code {', '.join(codes) or '?'})")


def body_of(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def checked(response: requests.Response, what: str) -> dict[str, Any]:
    """The JSON body of a successful answer; a Fault, even with status 200, raises."""
    body = body_of(response)
    problem = fault(body)
    if problem is not None:
        raise ProviderError(f"QuickBooks refused {what}: {problem.message}")
    if response.status_code != 200:
        raise ProviderError(f"QuickBooks answered {response.status_code} to {what}")
    return body


def company_info_with(access_token: str, organisation_id: int, realm_id: str) -> dict[str, Any]:
    """GET /companyinfo/{realmId} with a token not yet saved (right after the consent)."""
    url = f"{company_url(organisation_id, realm_id)}/companyinfo/{realm_id}"
    response = http.request("GET", url, access_token=access_token, params=params())
    info: dict[str, Any] = checked(response, "the company's details").get("CompanyInfo", {})
    return info


def company_info(connection: Connection) -> dict[str, Any]:
    """GET /companyinfo/{realmId} for a connection: one cheap call that proves it works."""
    realm = connection.remote_id
    url = f"{company_url(connection.organisation_id, realm)}/companyinfo/{realm}"
    response = tokens.call(connection, "GET", url, params=params())
    info: dict[str, Any] = checked(response, "the company's details").get("CompanyInfo", {})
    return info
