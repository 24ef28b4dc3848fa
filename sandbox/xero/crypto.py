"""Random secrets, token hashes and the PKCE transform."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> str:
    """An opaque, unguessable value for codes and refresh tokens."""
    return secrets.token_hex(32)


def digest(value: str) -> str:
    """How the sandbox stores a token: never the token itself."""
    return hashlib.sha256(value.encode()).hexdigest()


def last4(value: str) -> str:
    return value[-4:]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636, section 4.2)."""
    return b64url(hashlib.sha256(verifier.encode()).digest())


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
