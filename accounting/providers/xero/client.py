"""Typed calls to Xero's connections and accounting endpoints."""

from __future__ import annotations

from typing import Any, TypedDict

from django.conf import settings

from integrations import http, tokens
from integrations.errors import ProviderError
from integrations.models import Connection


class XeroConnection(TypedDict):
    id: str
    tenantId: str
    tenantName: str
    tenantType: str
    authEventId: str


def list_connections(access_token: str, auth_event_id: str = "") -> list[XeroConnection]:
    """GET /connections: the organisations this user's grant reaches.

    https://developer.xero.com/documentation/guides/oauth2/auth-flow/#5-check-the-tenants-youre-authorized-to-access
    """
    params = {"authEventId": auth_event_id} if auth_event_id else {}
    response = http.request(
        "GET", settings.XERO_CONNECTIONS_URL, access_token=access_token, params=params
    )
    if response.status_code != 200:
        raise ProviderError(f"Xero did not list the organisations ({response.status_code})")
    connections: list[XeroConnection] = response.json()
    return connections


def delete_connection(connection: Connection) -> None:
    """DELETE /connections/{id}: unlink one organisation. 404 means already gone."""
    url = f"{settings.XERO_CONNECTIONS_URL}/{connection.remote_connection_id}"
    response = tokens.call(connection, "DELETE", url)
    if response.status_code not in (204, 404):
        raise ProviderError(f"Xero did not remove the connection ({response.status_code})")


def organisation(connection: Connection) -> dict[str, Any]:
    """GET /Organisation for the connection's tenant."""
    response = tokens.call(
        connection,
        "GET",
        f"{settings.XERO_API_BASE}/Organisation",
        headers={"xero-tenant-id": connection.remote_id},
    )
    if response.status_code != 200:
        raise ProviderError(f"Xero did not return the organisation ({response.status_code})")
    organisations: list[dict[str, Any]] = response.json()["Organisations"]
    return organisations[0]
