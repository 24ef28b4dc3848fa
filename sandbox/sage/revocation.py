"""Revoking the app: by the revoke endpoint, or by the user inside Sage (the console).

Only refresh tokens can be revoked; access tokens run out their five minutes.
https://developer.sage.com/accounting/guides/authenticating/authentication
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sandbox.sage.crypto import digest
from sandbox.sage.models import SageGrant, SageToken


def revoke_grant(grant: SageGrant) -> None:
    """Every refresh token of this user and app stops working; access tokens do not."""
    now = timezone.now()
    with transaction.atomic():
        grant.tokens.filter(kind=SageToken.Kind.REFRESH, revoked_at__isnull=True).update(
            revoked_at=now
        )
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])


def revoke_presented(raw: str, client_id: str) -> None:
    """The revoke endpoint: a refresh token of this app ends its grant; anything else
    (an access token, an unknown or foreign token) changes nothing."""
    token = (
        SageToken.objects.select_related("grant")
        .filter(token_hash=digest(raw), kind=SageToken.Kind.REFRESH)
        .first()
    )
    if token is not None and token.grant.client_id == client_id:
        revoke_grant(token.grant)
