"""Random secrets, token hashes and the webhook signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret(prefix: str = "") -> str:
    """An opaque, unguessable value for codes and tokens."""
    return prefix + secrets.token_urlsafe(48)


def digest(value: str) -> str:
    """How the sandbox stores a token: never the token itself."""
    return hashlib.sha256(value.encode()).hexdigest()


def last4(value: str) -> str:
    return value[-4:]


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def intuit_signature(body: bytes, verifier_token: str) -> str:
    """The intuit-signature header: base64 of HMAC-SHA256 over the raw body, keyed with the
    app's verifier token.
    https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications
    """
    mac = hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")
