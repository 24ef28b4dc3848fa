"""Typed calls to Sage's user-level endpoints: the businesses a consent reaches.

https://developer.sage.com/accounting/guides/concepts/best_practices ("an additional
request to the businesses endpoint is required" to learn which businesses a user has).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from integrations import http, tokens
from integrations.errors import ProviderError
from integrations.models import Connection

# Every call names its business: X-Business defaults to the user's lead business when
# left out, and a change of lead business must never redirect Patchbay's writes.
BUSINESS_HEADER = "X-Business"


def api_url(path: str) -> str:
    return f"{settings.SAGE_API_BASE}/{path}"


def items_of(body: Any) -> list[dict[str, Any]]:
    """A list answer's records: Sage's `$items` envelope, or a plain array (the Swagger
    declares GET /businesses as an array; which one Sage sends is unconfirmed)."""
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    if isinstance(body, dict):
        return [row for row in body.get("$items") or [] if isinstance(row, dict)]
    return []


def list_businesses(access_token: str) -> list[dict[str, Any]]:
    """GET /businesses: the signed-in user's businesses."""
    response = http.request("GET", api_url("businesses"), access_token=access_token)
    if response.status_code != 200:
        raise ProviderError(f"Sage did not list the businesses ({response.status_code})")
    return items_of(response.json())


def business(connection: Connection) -> dict[str, Any]:
    """GET /businesses/{id} for the connection's business (one cheap call)."""
    response = tokens.call(
        connection,
        "GET",
        api_url(f"businesses/{connection.remote_id}"),
        headers={BUSINESS_HEADER: connection.remote_id},
    )
    if response.status_code != 200:
        raise ProviderError(f"Sage did not return the business ({response.status_code})")
    found: dict[str, Any] = response.json()
    return found
