"""Random secrets, how the emulators keep what they hand out (hashes, never the values),
and the PKCE transform."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> str:
    """An opaque, unguessable value for codes and tokens: 64 hexadecimal characters."""
    return secrets.token_hex(32)


def new_token(prefix: str = "") -> str:
    """An opaque value in URL-safe base64 (64 characters) after `prefix`, for providers
    whose tokens look like that."""
    return prefix + secrets.token_urlsafe(48)


def digest(value: str) -> str:
    """How a code or token is stored: its SHA-256, never the value itself."""
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
