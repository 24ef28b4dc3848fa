"""Token sets as Google's token endpoint answers them, and the access tokens that come back.

Access tokens last about an hour (SANDBOX_GOOGLE_CALENDAR_ACCESS_TOKEN_SECONDS); a
refresh token comes only with a code from the first consent or one given with
prompt=consent; a refresh answers a new access token and no refresh token (Google does
not rotate). https://developers.google.com/identity/protocols/oauth2/web-server
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.core.crypto import digest, new_secret
from sandbox.core.server import keep_token
from sandbox.google_calendar.models import GoogleGrant, GoogleToken

Kind = GoogleToken.Kind
YEAR = 365 * 24 * 3600


def _access(grant: GoogleGrant, scope: str, parent: GoogleToken | None) -> dict[str, Any]:
    seconds = int(settings.SANDBOX_GOOGLE_CALENDAR_ACCESS_TOKEN_SECONDS)
    raw = "ya29." + new_secret()
    expires = timezone.now() + timedelta(seconds=seconds)
    keep_token(GoogleToken, Kind.ACCESS, raw, scope, expires, grant=grant, parent=parent)
    return {"access_token": raw, "expires_in": seconds, "scope": scope, "token_type": "Bearer"}


def issue(grant: GoogleGrant, scope: str, *, with_refresh: bool) -> dict[str, Any]:
    body = _access(grant, scope, None)
    if with_refresh:
        raw = "1//" + new_secret()
        expires = timezone.now() + timedelta(seconds=YEAR)
        keep_token(GoogleToken, Kind.REFRESH, raw, scope, expires, grant=grant)
        body["refresh_token"] = raw
        GoogleGrant.objects.filter(pk=grant.pk).update(refresh_issued=True)
    return body


def refreshed(token: GoogleToken) -> dict[str, Any]:
    return _access(token.grant, token.grant.scope or token.scope, token)


def live_access_token(authorization: str) -> GoogleToken | None:
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return None
    return (
        GoogleToken.objects.select_related("grant__user")
        .filter(
            token_hash=digest(raw),
            kind=Kind.ACCESS,
            revoked_at__isnull=True,
            grant__revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def revoke_grant(grant: GoogleGrant) -> None:
    """Google's revocation ends the grant: its refresh and access tokens stop at once."""
    now = timezone.now()
    grant.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    grant.revoked_at = now
    grant.refresh_issued = False
    grant.save(update_fields=["revoked_at", "refresh_issued"])
