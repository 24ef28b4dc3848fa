"""Random secrets, hashes of what the sandbox hands out, and the PKCE transforms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> str:
    return secrets.token_hex(32)


def digest(value: str) -> str:
    """How the sandbox stores a code or token: never the value itself."""
    return hashlib.sha256(value.encode()).hexdigest()


def last4(value: str) -> str:
    return value[-4:]


def s256(verifier: str) -> str:
    """RFC 7636, section 4.2: BASE64URL(SHA256(verifier)) without padding."""
    raw = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
