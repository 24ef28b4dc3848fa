"""What happens on Xero's side without the app asking: the console's buttons,
and the same actions as functions for tests."""

from __future__ import annotations

import uuid

from django.utils import timezone

from sandbox.xero.identity import registered_app, revoke_grant
from sandbox.xero.models import XeroConnection, XeroGrant, XeroToken


def expire_refresh_tokens(grant: XeroGrant) -> int:
    """Every refresh token of the grant lapses now, as if unused for 60 days."""
    now = timezone.now()
    return grant.tokens.filter(
        kind=XeroToken.Kind.REFRESH, revoked_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def disconnect(connection: XeroConnection) -> None:
    """The user disconnects the app from one organisation inside Xero.

    The tokens stay valid; the tenant leaves GET /connections and its API calls get 403.
    https://github.com/XeroAPI/Xero-OpenAPI/issues/585
    """
    connection.delete()


def grant_for(email: str, client_id: str | None = None) -> XeroGrant:
    """The grant of one sandbox user to an app (the registered app by default)."""
    return XeroGrant.objects.get(
        user__email=email, client_id=client_id or registered_app().client_id
    )


def expire_refresh_tokens_for(email: str, client_id: str | None = None) -> int:
    return expire_refresh_tokens(grant_for(email, client_id))


def revoke_app_for(email: str, client_id: str | None = None) -> None:
    """The user revokes the app inside Xero: same effect as the revocation endpoint."""
    revoke_grant(grant_for(email, client_id))


def disconnect_tenant_for(
    email: str, tenant_id: uuid.UUID | str, client_id: str | None = None
) -> None:
    connection = XeroConnection.objects.get(
        grant=grant_for(email, client_id), organisation__tenant_id=uuid.UUID(str(tenant_id))
    )
    disconnect(connection)
