"""Xero's token sets, and checking the access tokens that come back.

Access tokens are JWTs (signed here with HS256 and a key derived from SECRET_KEY, where
Xero uses RS256: a client only reads the claims); an ID token only when `openid` was
granted, signed with the client secret (OpenID Connect Core 10.1), `email` and names only
with those scopes. A refresh token only with offline_access; each expires
SANDBOX_XERO_REFRESH_TOKEN_SECONDS after it was issued.
https://developer.xero.com/faq/oauth2 (lifetimes, rotation, offline_access)
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.core import jwt
from sandbox.core.clients import RegisteredApp
from sandbox.core.crypto import b64url, digest, new_secret
from sandbox.core.server import keep_token
from sandbox.xero.models import XeroAuthorizationCode, XeroGrant, XeroToken
from sandbox.xero.problems import AUTHENTICATION_UNSUCCESSFUL
from sandbox.xero.scopes import OFFLINE_ACCESS, OPENID

ID_TOKEN_SECONDS = 300


def access_token_key() -> bytes:
    # Derived from SECRET_KEY so every web process agrees without another setting.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"sandbox.xero.access-token", hashlib.sha256
    ).digest()


def id_token_key(client_secret: str) -> bytes:
    # OpenID Connect Core 10.1: HMAC-signed ID tokens use the client secret as key.
    return client_secret.encode()


@dataclass(frozen=True)
class Family:
    """What every token descended from one authorization code shares."""

    grant: XeroGrant
    code: XeroAuthorizationCode
    scopes: tuple[str, ...]
    public_client: bool

    @classmethod
    def of_code(cls, code: XeroAuthorizationCode, public_client: bool) -> Family:
        return cls(code.grant, code, tuple(code.scope.split()), public_client)

    @classmethod
    def of_token(cls, token: XeroToken) -> Family:
        return cls(token.grant, token.code, tuple(token.scopes), token.public_client)


def issue(
    family: Family, issuer: str, app: RegisteredApp, parent: XeroToken | None = None
) -> dict[str, Any]:
    """A token response body; only hashes of its tokens are kept."""
    now = timezone.now()
    lifetime = int(settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS)
    access = _access_token(family, issuer, now)
    _keep(family, XeroToken.Kind.ACCESS, access, now + timedelta(seconds=lifetime))
    body: dict[str, Any] = {}
    if OPENID in family.scopes:
        nonce = family.code.nonce if parent is None else ""
        body["id_token"] = _id_token(family, issuer, now, access, nonce, app)
    body |= {"access_token": access, "expires_in": lifetime, "token_type": "Bearer"}
    if OFFLINE_ACCESS in family.scopes:
        refresh = new_secret()
        expires_at = now + timedelta(seconds=int(settings.SANDBOX_XERO_REFRESH_TOKEN_SECONDS))
        _keep(family, XeroToken.Kind.REFRESH, refresh, expires_at, parent)
        body["refresh_token"] = refresh
    body["scope"] = " ".join(family.scopes)
    return body


def _keep(
    family: Family, kind: str, raw: str, expires_at: datetime, parent: XeroToken | None = None
) -> XeroToken:
    token: XeroToken = keep_token(
        XeroToken,
        kind,
        raw,
        " ".join(family.scopes),
        expires_at,
        grant=family.grant,
        code=family.code,
        parent=parent,
        auth_event_id=family.code.auth_event_id,
        public_client=family.public_client,
    )
    return token


def _session_claims(family: Family, issuer: str, now: datetime) -> dict[str, Any]:
    user = family.grant.user
    issued = int(now.timestamp())
    return {
        "nbf": issued,
        "iat": issued,
        "iss": issuer,
        "sub": user.xero_userid.hex,  # Xero's `sub`: the user's id as 32 hex digits
        "auth_time": int(family.code.issued_at.timestamp()),
        "xero_userid": str(user.xero_userid),
        "global_session_id": family.code.auth_event_id.hex,
        "sid": family.code.auth_event_id.hex,
    }


def _access_token(family: Family, issuer: str, now: datetime) -> str:
    claims = _session_claims(family, issuer, now) | {
        "exp": int(now.timestamp()) + int(settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS),
        "aud": f"{issuer}/resources",
        "client_id": family.grant.client_id,
        "jti": uuid.uuid4().hex,
        "authentication_event_id": str(family.code.auth_event_id),
        "scope": list(family.scopes),
        "amr": ["pwd"],
    }
    return jwt.encode(claims, access_token_key())


def _id_token(
    family: Family, issuer: str, now: datetime, access: str, nonce: str, app: RegisteredApp
) -> str:
    user = family.grant.user
    claims = _session_claims(family, issuer, now) | {
        "exp": int(now.timestamp()) + ID_TOKEN_SECONDS,
        "aud": family.grant.client_id,
        "at_hash": b64url(hashlib.sha256(access.encode()).digest()[:16]),
        "preferred_username": user.email,
        "amr": ["pwd"],
    }
    if "email" in family.scopes:
        claims["email"] = user.email
    if "profile" in family.scopes:
        given, _, family_name = user.name.partition(" ")
        claims |= {"given_name": given, "family_name": family_name, "name": user.name}
    if nonce:
        claims["nonce"] = nonce
    return jwt.encode(claims, id_token_key(app.client_secret))


class Unauthenticated(Exception):
    def __init__(self, detail: str = AUTHENTICATION_UNSUCCESSFUL) -> None:
        super().__init__(detail)
        self.detail = detail


def authenticate(authorization: str) -> XeroToken:
    """The live access token in an Authorization header, or Unauthenticated."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    claims = jwt.decode(raw, access_token_key()) if scheme.lower() == "bearer" else None
    if claims is None or not isinstance(claims.get("exp"), int):
        raise Unauthenticated()
    expired_at = datetime.fromtimestamp(claims["exp"], UTC)
    if timezone.now() >= expired_at:
        # Xero's wording and its month-first timestamp, as clients have recorded it.
        # https://github.com/waynerobinson/xeroizer/pull/509
        raise Unauthenticated(f"TokenExpired: token expired at {expired_at:%m/%d/%Y %H:%M:%S}")
    token = (
        XeroToken.objects.select_related("grant__user")
        .filter(token_hash=digest(raw), kind=XeroToken.Kind.ACCESS, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise Unauthenticated()
    return token
