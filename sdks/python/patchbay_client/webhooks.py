"""Checking a Patchbay webhook's signature (Standard Webhooks, v1, HMAC-SHA256).

The signed text is ``{webhook-id}.{webhook-timestamp}.{raw body}``; the key is the
base64 part of the endpoint's ``whsec_`` secret; ``webhook-signature`` holds one or
more ``v1,<base64>`` values (two during a secret rotation), any of which may match.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
TOLERANCE_SECONDS = 300  # refuse replays of old deliveries


class WebhookVerificationError(Exception):
    """The delivery is not a genuine, recent one from Patchbay: answer 400 and ignore it."""


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as error:
        raise ValueError("not a whsec_ secret: copy it from the endpoint's page") from error


def sign(secret: str, message_id: str, timestamp: int, body: bytes | str) -> str:
    raw = body.encode() if isinstance(body, str) else body
    content = f"{message_id}.{timestamp}.".encode() + raw
    return (
        "v1," + base64.b64encode(hmac.new(_key(secret), content, hashlib.sha256).digest()).decode()
    )


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {key.lower(): value for key, value in headers.items()}
    if name not in lowered:
        raise WebhookVerificationError(f"the {name} header is missing")
    return lowered[name]


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """The event as a dict when genuine; ``WebhookVerificationError`` otherwise.

    Pass the body exactly as received (before any JSON parsing).
    """
    message_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    if not stamp.isdigit():
        raise WebhookVerificationError("webhook-timestamp is not a number")
    age = (time.time() if now is None else now) - int(stamp)
    if abs(age) > tolerance:
        raise WebhookVerificationError(f"the delivery is {int(age)} s old or early: refused")
    expected = sign(secret, message_id, int(stamp), body)
    offered = _header(headers, "webhook-signature").split()
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise WebhookVerificationError("no signature matches the secret")
    event: dict[str, Any] = json.loads(body)
    return event
