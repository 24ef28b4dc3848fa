"""The one app registered with the sandbox's Intuit, read from settings per request so
tests can override it (or replace this function, to stand for an organisation's own
app). How the token and revoke endpoints check it: sandbox/core/clients.py."""

from __future__ import annotations

from django.conf import settings

from sandbox.core.clients import RegisteredApp
from sandbox.quickbooks import conf

__all__ = ["RegisteredApp", "registered_app"]


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.QUICKBOOKS_CLIENT_ID),
        client_secret=str(settings.QUICKBOOKS_CLIENT_SECRET),
        redirect_uris=tuple(conf.get("REDIRECT_URIS")),
    )
