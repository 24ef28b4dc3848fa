"""Token sets as the Microsoft identity platform issues them, and recognising the
access tokens that come back.

- A refresh token only when `offline_access` was granted.
- Every refresh returns a new refresh token; the old one is *not* revoked and keeps
  working until it expires (https://learn.microsoft.com/entra/identity-platform/refresh-tokens).
- An ID token (HS256 with the client secret, a sandbox simplification of Microsoft's
  RS256) when `openid` was granted, with `oid`, `tid` and `preferred_username`.
- Access tokens are opaque here: Microsoft tells apps not to read Graph's tokens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.core import jwt
from sandbox.core.crypto import digest, new_secret
from sandbox.core.server import keep_token
from sandbox.microsoft_graph.models import GraphGrant, GraphToken

Kind = GraphToken.Kind


def issue(
    grant: GraphGrant, scope: str, *, nonce: str = "", parent: GraphToken | None = None
) -> dict[str, Any]:
    access_seconds = int(settings.SANDBOX_GRAPH_ACCESS_TOKEN_SECONDS)
    refresh_seconds = int(settings.SANDBOX_GRAPH_REFRESH_TOKEN_SECONDS)
    scopes = scope.split()
    now = timezone.now()
    epoch = grant.user.sessions_epoch
    access = new_secret()
    keep_token(
        GraphToken,
        Kind.ACCESS,
        access,
        scope,
        now + timedelta(seconds=access_seconds),
        grant=grant,
        parent=parent,
        sessions_epoch=epoch,
    )
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join(s for s in scopes if s not in ("openid", "profile", "email")),
        "expires_in": access_seconds,
        "ext_expires_in": access_seconds,
        "access_token": access,
    }
    if "offline_access" in scopes:
        refresh = new_secret()
        keep_token(
            GraphToken,
            Kind.REFRESH,
            refresh,
            scope,
            now + timedelta(seconds=refresh_seconds),
            grant=grant,
            parent=parent,
            sessions_epoch=epoch,
        )
        body["refresh_token"] = refresh
    if "openid" in scopes:
        body["id_token"] = _id_token(grant, nonce, scopes)
    return body


def _id_token(grant: GraphGrant, nonce: str, scopes: list[str]) -> str:
    user = grant.user
    now = int(timezone.now().timestamp())
    claims: dict[str, Any] = {
        "aud": grant.client_id,
        "iss": f"https://login.microsoftonline.com/{user.tenant_id}/v2.0",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "oid": user.oid,
        "sub": digest(f"{user.oid}|{grant.client_id}")[:43],
        "tid": user.tenant_id,
        "ver": "2.0",
    }
    if nonce:
        claims["nonce"] = nonce
    if "profile" in scopes:
        claims |= {"name": user.name, "preferred_username": user.email}
    if "email" in scopes:
        claims["email"] = user.email
    return jwt.encode(claims, str(settings.OUTLOOK_CLIENT_SECRET).encode())


def live_access_token(authorization: str) -> GraphToken | None:
    """The access token in `Authorization: Bearer ...`, if it still works (not expired,
    its consent not removed, no "revoke all sessions" since it was issued)."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return None
    token = (
        GraphToken.objects.select_related("grant__user")
        .filter(token_hash=digest(raw), kind=Kind.ACCESS, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now(), grant__revoked_at__isnull=True)
        .first()
    )
    if token is None or token.sessions_epoch != token.grant.user.sessions_epoch:
        return None
    return token
