"""Just enough JWT (HS256) for the sandbox's access and ID tokens.

Real Xero signs with RS256 and publishes its keys; the sandbox signs with a
shared key, which is all a client needs to read the claims.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from sandbox.core.crypto import b64url

HEADER = {"alg": "HS256", "typ": "JWT"}


def encode(claims: dict[str, Any], key: bytes) -> str:
    signing_input = f"{_part(HEADER)}.{_part(claims)}"
    return f"{signing_input}.{_sign(signing_input, key)}"


def decode(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims of a token signed with `key`, or None if it is not one (expiry unchecked)."""
    pieces = token.split(".")
    if len(pieces) != 3:
        return None
    signing_input = f"{pieces[0]}.{pieces[1]}"
    if not hmac.compare_digest(_sign(signing_input, key).encode(), pieces[2].encode()):
        return None
    claims = _unpart(pieces[1])
    return claims if isinstance(claims, dict) else None


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims without checking the signature (what a client sees when it decodes)."""
    pieces = token.split(".")
    claims = _unpart(pieces[1]) if len(pieces) == 3 else None
    return claims if isinstance(claims, dict) else {}


def _part(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def _unpart(segment: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError):
        return None


def _sign(signing_input: str, key: bytes) -> str:
    return b64url(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
