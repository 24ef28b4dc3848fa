"""How Intuit's identity service signs ID tokens: RS256 with a key named by `kid`, the
public halves published as a JWK set.

https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect
Intuit's JWKS lists more than one key since 2024, and clients must pick the key by the
token's `kid`: https://blogs.intuit.com/2023/09/05/changes-to-identity-signature-keys-that-may-impact-your-application/

Keys live in the database so every process of the sandbox signs and publishes the same.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from sandbox.quickbooks.models import QboSigningKey

ALGORITHM = "RS256"
KEY_SIZE = 2048


def _new_key() -> QboSigningKey:
    """A fresh key named by its RFC 7638 thumbprint, so a kid never names two keys (a
    reset sandbox makes clients fetch the JWKS again instead of trusting stale keys)."""
    key = RSAKey.generate_key(KEY_SIZE, private=True)
    pem = key.as_pem(private=True).decode("ascii")
    return QboSigningKey.objects.create(kid=key.thumbprint()[:32], private_pem=pem)


def current() -> QboSigningKey:
    """The newest live key, made on first use. Two processes racing make two keys: both
    are published, and either verifies what it signed."""
    return QboSigningKey.objects.filter(retired_at__isnull=True).first() or _new_key()


def rotate() -> QboSigningKey:
    """Start signing with a new key; the previous ones stay in the JWKS."""
    current()
    return _new_key()


def retire_all_but_current() -> None:
    keep = current()
    QboSigningKey.objects.exclude(pk=keep.pk).filter(retired_at__isnull=True).update(
        retired_at=timezone.now()
    )


def sign(claims: dict[str, Any]) -> str:
    key = current()
    header = {"alg": ALGORITHM, "kid": key.kid}
    return jwt.encode(header, claims, RSAKey.import_key(key.private_pem), algorithms=[ALGORITHM])


def jwk_set() -> dict[str, list[dict[str, Any]]]:
    current()
    keys = []
    for row in QboSigningKey.objects.filter(retired_at__isnull=True):
        public = RSAKey.import_key(row.private_pem).as_dict(private=False)
        keys.append({**public, "kid": row.kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}
