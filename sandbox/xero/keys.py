"""Signing keys and the issuer name of the sandbox's identity service."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def access_token_key() -> bytes:
    # Derived from SECRET_KEY so every web process agrees without another setting.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"sandbox.xero.access-token", hashlib.sha256
    ).digest()


def id_token_key(client_secret: str) -> bytes:
    # OpenID Connect Core 10.1: HMAC-signed ID tokens use the client secret as key.
    return client_secret.encode()


def issuer(request: HttpRequest) -> str:
    """The sandbox's stand-in for https://identity.xero.com, on whatever host served it."""
    discovery = request.build_absolute_uri(reverse("sandbox:xero:discovery"))
    return discovery.removesuffix(DISCOVERY_SUFFIX)
