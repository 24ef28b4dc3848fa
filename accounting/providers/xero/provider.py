"""Xero as an OAuth 2.0 provider: https://developer.xero.com/documentation/guides/oauth2/auth-flow/"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accounting.providers.xero import client
from integrations.models import Connection
from integrations.providers import OAuthProvider, RemoteOrganisation, jwt_claims


class XeroProvider(OAuthProvider):
    slug = "xero"
    name = "Xero"
    # offline_access is what makes Xero issue a refresh token at all.
    scopes = (
        "openid",
        "profile",
        "email",
        "offline_access",
        "accounting.transactions",
        "accounting.contacts",
        "accounting.settings",
    )
    uses_pkce = True
    # Access tokens last 30 minutes; unused refresh tokens lapse after 60 days.
    refresh_margin = timedelta(minutes=5)
    keepalive_every = timedelta(days=1)
    authorize_url_setting = "XERO_AUTHORIZE_URL"
    token_url_setting = "XERO_TOKEN_URL"  # noqa: S105 - a setting's name
    revocation_url_setting = "XERO_REVOCATION_URL"
    client_id_setting = "XERO_CLIENT_ID"
    client_secret_setting = "XERO_CLIENT_SECRET"  # noqa: S105 - a setting's name

    def subject(self, token: dict[str, Any]) -> str:
        claims = jwt_claims(str(token["access_token"]))
        return str(claims.get("xero_userid") or claims.get("sub") or "")

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        # The access token names the consent; asking for its tenants only leaves out
        # organisations the same user connected in earlier consents.
        access_token = str(token["access_token"])
        auth_event = str(jwt_claims(access_token).get("authentication_event_id") or "")
        return [
            RemoteOrganisation(
                remote_id=item["tenantId"],
                name=item["tenantName"],
                remote_connection_id=item["id"],
            )
            for item in client.list_connections(access_token, auth_event)
            if item.get("tenantType", "ORGANISATION") == "ORGANISATION"
        ]

    def remove_remote_connection(self, connection: Connection) -> None:
        client.delete_connection(connection)

    def check(self, connection: Connection) -> None:
        client.organisation(connection)
