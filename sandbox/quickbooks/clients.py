"""The one app registered with the sandbox's Intuit, read from settings per request so
tests can override it, and client authentication at the token and revoke endpoints.
Intuit accepts client_secret_basic and client_secret_post (its discovery document).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest

from sandbox.quickbooks import conf
from sandbox.quickbooks.crypto import same

APP_NAME = "Patchbay"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = APP_NAME


class InvalidClient(Exception):
    pass


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.QUICKBOOKS_CLIENT_ID),
        client_secret=str(settings.QUICKBOOKS_CLIENT_SECRET),
        redirect_uris=tuple(conf.get("REDIRECT_URIS")),
    )


def find_app(client_id: str) -> RegisteredApp | None:
    app = registered_app()
    return app if client_id and same(client_id, app.client_id) else None


def authenticate(request: HttpRequest, form: dict[str, str]) -> RegisteredApp:
    """HTTP Basic first, else client_id and client_secret in the form body; both required."""
    client_id, secret = _basic_credentials(request) or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    app = find_app(client_id)
    if app is None or not secret or not same(secret, app.client_secret):
        raise InvalidClient()
    return app


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)
