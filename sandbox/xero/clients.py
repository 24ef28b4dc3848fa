"""The one app registered with the sandbox's Xero, read from settings per request
so tests can override it, and client authentication at the identity endpoints."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest

from sandbox.xero.crypto import same

APP_NAME = "Patchbay"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = APP_NAME


@dataclass(frozen=True)
class ClientAuth:
    """Who called the token or revocation endpoint, and whether it proved it."""

    client_id: str
    secret_verified: bool
    used_basic: bool


class InvalidClient(Exception):
    def __init__(self, used_basic: bool) -> None:
        super().__init__("invalid_client")
        self.used_basic = used_basic


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.XERO_CLIENT_ID),
        client_secret=str(settings.XERO_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_XERO_REDIRECT_URIS),
    )


def find_app(client_id: str) -> RegisteredApp | None:
    app = registered_app()
    return app if client_id and same(client_id, app.client_id) else None


def authenticate(request: HttpRequest) -> ClientAuth:
    """HTTP Basic first (Xero's way), else client_id/client_secret in the form body.

    A caller that sends only a client_id is a PKCE (public) client: whether that is
    allowed depends on the grant, so the caller of this function decides.
    """
    basic = _basic_credentials(request)
    used_basic = basic is not None
    client_id, secret = basic or (
        request.POST.get("client_id", ""),
        request.POST.get("client_secret"),
    )
    app = find_app(client_id)
    if app is None:
        raise InvalidClient(used_basic)
    if secret is None or (secret == "" and not used_basic):
        return ClientAuth(app.client_id, secret_verified=False, used_basic=used_basic)
    if not same(secret, app.client_secret):
        raise InvalidClient(used_basic)
    return ClientAuth(app.client_id, secret_verified=True, used_basic=used_basic)


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    # RFC 6749, section 2.3.1: both halves are form-encoded before joining.
    return unquote_plus(client_id), unquote_plus(secret)
