"""`x-xero-signature`: base64 of HMAC-SHA256 over the raw body, keyed with the webhook key.
https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def wrong_key(key: str) -> str:
    """A key that is not the app's, for the deliberately mis-signed handshake request."""
    return f"not-{key}"
