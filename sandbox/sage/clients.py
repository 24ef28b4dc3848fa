"""The one app registered with the sandbox's Sage, read from settings on every request
so tests can override it.

Sage's token and revoke endpoints take `client_id` and `client_secret` as form fields.
https://developer.sage.com/accounting/guides/authenticating/authentication
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sandbox.sage.crypto import same

APP_NAME = "Patchbay"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = APP_NAME


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.SAGE_CLIENT_ID),
        client_secret=str(settings.SAGE_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_SAGE_REDIRECT_URIS),
    )


def find_app(client_id: str) -> RegisteredApp | None:
    app = registered_app()
    return app if client_id and same(client_id, app.client_id) else None


def authenticated(client_id: str, client_secret: str) -> RegisteredApp | None:
    """The app, if the form named it and proved it with its secret."""
    app = find_app(client_id)
    if app is None or not client_secret or not same(client_secret, app.client_secret):
        return None
    return app
