"""Sage Business Cloud Accounting as an OAuth 2.0 provider:
https://developer.sage.com/accounting/guides/authenticating/authentication"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accounting.providers.sage import client
from integrations.models import Connection
from integrations.providers import OAuthProvider, RemoteOrganisation
from integrations.retry import Backoff

# Sage's 429 carries no Retry-After: exponential back-off with jitter, as Sage's staff
# advise ("handle 429 responses and retry after a short while"). 2, 4, 8, 16, 32 s, each
# within a quarter either way, so the five retries outlast a whole 60-second window.
RATE_LIMIT_BACKOFF = Backoff.exponential(2.0, cap_s=60.0, jitter=(0.75, 1.25))


class SageProvider(OAuthProvider):
    slug = "sage"
    name = "Sage"
    # Sage has two scopes only, full_access and readonly; Patchbay writes.
    scopes = ("full_access",)
    uses_pkce = True
    # Sage reads client_id and client_secret from the form body, not from Basic auth.
    token_endpoint_auth_method = "client_secret_post"  # noqa: S105 - a method name
    # Access tokens last five minutes: a margin of 100 s (a third of the lifetime) keeps
    # a token fresh for any one call without refreshing on every call.
    refresh_margin = timedelta(seconds=100)
    # Refresh tokens lapse 31 days after issue; each refresh rotates it.
    keepalive_every = timedelta(days=1)
    authorize_url_setting = "SAGE_AUTHORIZE_URL"
    token_url_setting = "SAGE_TOKEN_URL"  # noqa: S105 - a setting's name
    revocation_url_setting = "SAGE_REVOKE_URL"
    client_id_setting = "SAGE_CLIENT_ID"
    client_secret_setting = "SAGE_CLIENT_SECRET"  # noqa: S105 - a setting's name
    rate_limit_backoff = RATE_LIMIT_BACKOFF

    def subject(self, token: dict[str, Any]) -> str:
        # Sage's access tokens are opaque; the token response names the user.
        return str(token.get("requested_by_id") or "")

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        """Every business of the user: the consent is the user's, not one business's."""
        return [
            RemoteOrganisation(
                remote_id=str(row["id"]), name=str(row.get("name") or row.get("displayed_as"))
            )
            for row in client.list_businesses(str(token["access_token"]))
            if row.get("id")
        ]

    def remove_remote_connection(self, connection: Connection) -> None:
        """Nothing to call: Sage has no per-business link to undo. A consent covers all the
        user's businesses, and the only way to end it is revoking the refresh token, which
        the flow does once no other connection uses the grant."""

    def check(self, connection: Connection) -> None:
        client.business(connection)
