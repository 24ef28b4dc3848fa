"""The app registered with an emulated provider, and how the token and revocation
endpoints tell that it is the app calling (RFC 6749, section 2.3.1)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.http import HttpRequest

from sandbox.core.crypto import same

APP_NAME = "Patchbay"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = APP_NAME

    def named(self, client_id: str) -> bool:
        return bool(client_id) and same(client_id, self.client_id)


@dataclass(frozen=True)
class ClientAuth:
    """Who called the token or revocation endpoint, and whether it proved it."""

    client_id: str
    secret_verified: bool
    used_basic: bool


class InvalidClient(Exception):
    def __init__(self, used_basic: bool, client_id: str = "") -> None:
        super().__init__("invalid_client")
        self.used_basic = used_basic
        self.client_id = client_id  # the id the caller claimed


@dataclass(frozen=True)
class ClientAuthentication:
    """What a provider accepts: HTTP Basic (tried first), client_id and client_secret
    in the form, and public clients that send only a client_id (whether one may, the
    grant decides: PKCE)."""

    basic: bool = True
    public_clients: bool = False

    def authenticate(
        self, request: HttpRequest, form: Mapping[str, str], app: RegisteredApp
    ) -> ClientAuth:
        basic = _basic_credentials(request) if self.basic else None
        used_basic = basic is not None
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret"))
        if not app.named(client_id):
            raise InvalidClient(used_basic, client_id)
        if secret is None or (secret == "" and not used_basic):
            if not self.public_clients:
                raise InvalidClient(used_basic, client_id)
            return ClientAuth(app.client_id, secret_verified=False, used_basic=used_basic)
        if not same(secret, app.client_secret):
            raise InvalidClient(used_basic, client_id)
        return ClientAuth(app.client_id, secret_verified=True, used_basic=used_basic)

    def methods(self) -> list[str]:
        """token_endpoint_auth_methods_supported, for a discovery document."""
        methods = ["client_secret_basic"] if self.basic else []
        return methods + ["client_secret_post"] + (["none"] if self.public_clients else [])


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
