"""Revoking a connection: by the app (the revoke endpoint) or by the user inside QuickBooks.

"Revoking disconnects the app from the company": every token of the connection stops,
refresh answers invalid_grant and API calls 401.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sandbox.quickbooks.crypto import digest
from sandbox.quickbooks.models import QboConnection, QboToken


def revoke_connection(connection: QboConnection) -> None:
    now = timezone.now()
    with transaction.atomic():
        connection.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        connection.revoked_at = now
        connection.save(update_fields=["revoked_at"])


def revoke_presented(raw: str, client_id: str) -> bool:
    """The revoke endpoint takes an access or a refresh token; either ends the connection."""
    token = QboToken.objects.select_related("connection").filter(token_hash=digest(raw)).first()
    if token is None or token.connection.client_id != client_id:
        return False
    revoke_connection(token.connection)
    return True
