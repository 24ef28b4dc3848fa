"""How Intuit's identity service signs ID tokens (sandbox/core/signing.py): RS256 with a
key named by `kid`, the public halves published as a JWK set.

https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect
Intuit's JWKS lists more than one key since 2024, and clients must pick the key by the
token's `kid`: https://blogs.intuit.com/2023/09/05/changes-to-identity-signature-keys-that-may-impact-your-application/
"""

from __future__ import annotations

from sandbox.core.signing import ALGORITHM, KeyRing
from sandbox.quickbooks.models import QboSigningKey

__all__ = ["ALGORITHM", "current", "jwk_set", "retire_all_but_current", "rotate", "sign"]

ring = KeyRing(QboSigningKey)
current = ring.current
rotate = ring.rotate
retire_all_but_current = ring.retire_all_but_current
sign = ring.sign
jwk_set = ring.jwk_set
