"""Issuing token sets, and checking the access tokens that come back.

https://developer.xero.com/faq/oauth2 (lifetimes, rotation, offline_access)
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.xero import jwt
from sandbox.xero.clients import registered_app
from sandbox.xero.crypto import b64url, digest, last4, new_secret
from sandbox.xero.keys import access_token_key, id_token_key
from sandbox.xero.models import XeroAuthorizationCode, XeroGrant, XeroToken
from sandbox.xero.scopes import OFFLINE_ACCESS, OPENID

ID_TOKEN_SECONDS = 300


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


def issue(family: Family, issuer: str, parent: XeroToken | None = None) -> dict[str, Any]:
    """A token response body; only hashes of its tokens are kept."""
    now = timezone.now()
    access = _access_token(family, issuer, now)
    _store(family, XeroToken.Kind.ACCESS, access, now, settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS)
    body: dict[str, Any] = {}
    if OPENID in family.scopes:
        nonce = family.code.nonce if parent is None else ""
        body["id_token"] = _id_token(family, issuer, now, access, nonce)
    body |= {
        "access_token": access,
        "expires_in": settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS,
        "token_type": "Bearer",
    }
    if OFFLINE_ACCESS in family.scopes:
        refresh = new_secret()
        lifetime = settings.SANDBOX_XERO_REFRESH_TOKEN_SECONDS
        _store(family, XeroToken.Kind.REFRESH, refresh, now, lifetime, parent)
        body["refresh_token"] = refresh
    body["scope"] = " ".join(family.scopes)
    return body


def _store(
    family: Family,
    kind: str,
    raw: str,
    now: datetime,
    lifetime: int,
    parent: XeroToken | None = None,
) -> XeroToken:
    return XeroToken.objects.create(
        kind=kind,
        token_hash=digest(raw),
        last4=last4(raw),
        grant=family.grant,
        code=family.code,
        parent=parent,
        scope=" ".join(family.scopes),
        auth_event_id=family.code.auth_event_id,
        public_client=family.public_client,
        issued_at=now,
        expires_at=now + timedelta(seconds=lifetime),
    )


def _session_claims(family: Family, issuer: str, now: datetime) -> dict[str, Any]:
    user = family.grant.user
    issued = int(now.timestamp())
    return {
        "nbf": issued,
        "iat": issued,
        "iss": issuer,
        "sub": user.subject,
        "auth_time": int(family.code.issued_at.timestamp()),
        "xero_userid": str(user.xero_userid),
        "global_session_id": family.code.auth_event_id.hex,
        "sid": family.code.auth_event_id.hex,
    }


def _access_token(family: Family, issuer: str, now: datetime) -> str:
    claims = _session_claims(family, issuer, now) | {
        "exp": int(now.timestamp()) + settings.SANDBOX_XERO_ACCESS_TOKEN_SECONDS,
        "aud": f"{issuer}/resources",
        "client_id": family.grant.client_id,
        "jti": uuid.uuid4().hex,
        "authentication_event_id": str(family.code.auth_event_id),
        "scope": list(family.scopes),
        "amr": ["pwd"],
    }
    return jwt.encode(claims, access_token_key())


def _id_token(family: Family, issuer: str, now: datetime, access: str, nonce: str) -> str:
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
        claims |= {"given_name": user.given_name, "family_name": user.family_name}
        claims["name"] = user.name
    if nonce:
        claims["nonce"] = nonce
    return jwt.encode(claims, id_token_key(registered_app().client_secret))
