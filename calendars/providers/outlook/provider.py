"""The Microsoft identity platform as an OAuth 2.0 provider, for Outlook calendars.

The `common` tenant signs in both work or school (Microsoft 365) and personal
(Outlook.com) accounts. Scopes: Calendars.ReadWrite (write events, read delta, hold
subscriptions), offline_access (without it no refresh token is issued and the
connection dies within the hour) and openid + profile (the ID token names the account).
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
https://learn.microsoft.com/entra/identity-platform/scopes-oidc
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from integrations.models import Connection
from integrations.providers import OAuthProvider, RemoteOrganisation, jwt_claims
from integrations.retry import Backoff


class OutlookProvider(OAuthProvider):
    slug = "outlook"
    name = "Microsoft Outlook"
    scopes = ("openid", "profile", "offline_access", "Calendars.ReadWrite")
    uses_pkce = True
    token_endpoint_auth_method = "client_secret_post"  # noqa: S105 - a method name
    # Access tokens live 60-90 minutes; refresh tokens lapse after 90 days unused.
    refresh_margin = timedelta(minutes=5)
    keepalive_every = timedelta(days=1)
    authorize_url_setting = "OUTLOOK_AUTHORIZE_URL"
    token_url_setting = "OUTLOOK_TOKEN_URL"  # noqa: S105 - a setting's name
    # Microsoft has no token revocation endpoint (see revoke()); never read.
    revocation_url_setting = "OUTLOOK_TOKEN_URL"
    client_id_setting = "OUTLOOK_CLIENT_ID"
    client_secret_setting = "OUTLOOK_CLIENT_SECRET"  # noqa: S105 - a setting's name
    # A 429 without Retry-After: "use an exponential backoff retry policy".
    # https://learn.microsoft.com/graph/throttling
    rate_limit_backoff = Backoff.exponential(2.0, cap_s=60.0, jitter=(0.75, 1.25))

    def _claims(self, token: dict[str, Any]) -> dict[str, Any]:
        # The ID token came straight from the token endpoint over TLS: its claims name
        # the account (routing only; Graph checks the access token on every call).
        return jwt_claims(str(token.get("id_token", "")))

    def subject(self, token: dict[str, Any]) -> str:
        claims = self._claims(token)
        return str(claims.get("oid") or claims.get("sub") or "")

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        """One mailbox per consent: the account itself (its object id)."""
        claims = self._claims(token)
        oid = str(claims.get("oid") or claims.get("sub") or "")
        if not oid:
            return []
        name = str(claims.get("preferred_username") or claims.get("name") or "Outlook")
        return [RemoteOrganisation(remote_id=oid, name=name)]

    def remove_remote_connection(self, connection: Connection) -> None:
        """Nothing more to unlink: the calendar kind's leaving step (calendars.leaving)
        has already removed the change-notification subscription by then."""

    def revoke(self, refresh_token: str) -> None:
        """Microsoft offers apps no way to revoke their own grant (no RFC 7009 endpoint):
        Patchbay forgets the tokens; the person can remove the app at
        https://myapps.microsoft.com or https://account.live.com/consent/Manage."""
        return None

    def check(self, connection: Connection) -> None:
        from calendars.providers.outlook.adapter import OutlookAdapter

        OutlookAdapter(connection).calendars()
