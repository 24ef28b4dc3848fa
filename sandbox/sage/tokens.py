"""Issuing token sets, and recognising the access tokens that come back.

Access tokens live five minutes, refresh tokens 31 days; both are opaque here. The
response names the Sage user (`requested_by_id`), not a business: a token reaches every
business of the user. https://developer.sage.com/accounting/guides/authenticating/authentication
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.core.crypto import digest, new_secret
from sandbox.core.server import keep_token
from sandbox.sage.models import SageGrant, SageToken

Kind = SageToken.Kind


def issue(grant: SageGrant, scope: str, parent: SageToken | None = None) -> dict[str, Any]:
    """A token response body; only hashes of its tokens are kept."""
    access_seconds = int(settings.SANDBOX_SAGE_ACCESS_TOKEN_SECONDS)
    refresh_seconds = int(settings.SANDBOX_SAGE_REFRESH_TOKEN_SECONDS)
    access = new_secret()
    refresh = new_secret()
    now = timezone.now()
    for kind, raw, lifetime in (
        (Kind.ACCESS, access, access_seconds),
        (Kind.REFRESH, refresh, refresh_seconds),
    ):
        expires_at = now + timedelta(seconds=lifetime)
        keep_token(SageToken, kind, raw, scope, expires_at, grant=grant, parent=parent)
    return {
        "access_token": access,
        "expires_in": access_seconds,
        "token_type": "bearer",
        "refresh_token": refresh,
        "refresh_token_expires_in": refresh_seconds,
        "scope": scope,
        "requested_by_id": grant.user.guid,
    }


def live_access_token(authorization: str) -> SageToken | None:
    """The access token in an `Authorization: Bearer ...` header, if it still works.

    Revoking the app stops its refresh tokens only: "You cannot revoke access tokens,
    they are valid during their entire lifetime of five minutes."
    """
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return None
    return (
        SageToken.objects.select_related("grant__user")
        .filter(
            token_hash=digest(raw),
            kind=Kind.ACCESS,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
