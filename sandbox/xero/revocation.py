"""Revoking tokens: by the app (RFC 7009), by a replayed code, or from the console.

Revoking a refresh token removes all of the user's connections to the app.
https://github.com/XeroAPI/xero-node/releases/tag/4.10.1
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sandbox.xero.clients import ClientAuth, InvalidClient
from sandbox.xero.crypto import digest
from sandbox.xero.models import XeroAuthorizationCode, XeroGrant, XeroToken


def revoke_grant(grant: XeroGrant) -> None:
    """Every token of this user and app stops working and every connection goes."""
    now = timezone.now()
    with transaction.atomic():
        grant.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        grant.connections.all().delete()
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])


def revoke_family(code: XeroAuthorizationCode) -> int:
    """RFC 6749, section 4.1.2: a code used twice revokes the tokens issued from it."""
    return code.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_presented(raw: str, client: ClientAuth) -> None:
    """The revocation endpoint: an unknown or foreign token is silently ignored (RFC 7009)."""
    token = XeroToken.objects.select_related("grant").filter(token_hash=digest(raw)).first()
    if token is None or token.grant.client_id != client.client_id:
        return
    if not client.secret_verified and not token.public_client:
        raise InvalidClient(client.used_basic)
    if token.kind == XeroToken.Kind.REFRESH:
        revoke_grant(token.grant)
    elif token.revoked_at is None:
        # An access token alone: RFC 7009 lets the server revoke just that token.
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
