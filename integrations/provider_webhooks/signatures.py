"""Both providers sign the same way: base64(HMAC-SHA256(key, raw body)) in a header.

Xero: `x-xero-signature`, keyed with the app's webhook key
(https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/).
Intuit: `intuit-signature`, keyed with the app's verifier token
(https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(key: str, body: bytes) -> str:
    digest = hmac.new(key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verified(key: str, body: bytes, given: str | None) -> bool:
    """Constant-time check over the exact bytes received. No key configured: nothing is."""
    if not key or not given:
        return False
    expected = sign(key, body).encode("ascii")
    return hmac.compare_digest(expected, given.strip().encode("utf-8", "replace"))
