"""The Xero sandbox console (sandbox/core/console.py): act as Xero and its users, keep an
organisation's books, lapse or revoke grants, disconnect organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from sandbox.core.console import RECENT, Console, posted
from sandbox.xero import books, controls
from sandbox.xero.identity import revoke_grant, server
from sandbox.xero.models import (
    XeroApiCall,
    XeroConnection,
    XeroGrant,
    XeroOrganisation,
    XeroToken,
    XeroUser,
)
from sandbox.xero.views import books as bookkeeper
from sandbox.xero.views import purchasing
from sandbox.xero.views import webhooks as webhook_panel


def _grant(request: HttpRequest) -> XeroGrant:
    grant: XeroGrant = posted(request, XeroGrant.objects.select_related("user"), "grant", "grant")
    return grant


def _expire_refresh(request: HttpRequest) -> str:
    grant = _grant(request)
    count = controls.expire_refresh_tokens(grant)
    return f"{count} refresh token(s) of {grant} lapsed: the next refresh gets invalid_grant."


def _revoke(request: HttpRequest) -> str:
    grant = _grant(request)
    revoke_grant(grant)
    return f"{grant}: app revoked, every token stopped working and every connection was removed."


def _disconnect(request: HttpRequest) -> str:
    rows = XeroConnection.objects.select_related("organisation", "grant__user")
    connection: XeroConnection = posted(request, rows, "connection", "connection")
    controls.disconnect(connection)
    return (
        f"{connection.organisation.name} disconnected for {connection.grant.user.email}: "
        "its API calls now get 403."
    )


def _context(request: HttpRequest) -> dict[str, Any]:
    tokens = XeroToken.objects.select_related("grant__user").annotate(calls=Count("api_calls"))
    return {
        "users": XeroUser.objects.prefetch_related("organisations"),
        "organisations": XeroOrganisation.objects.all(),
        "grants": XeroGrant.objects.select_related("user").prefetch_related(
            "connections__organisation"
        ),
        "tokens": tokens[:RECENT],
        **bookkeeper.context(request),
        **purchasing.context(request),
        **webhook_panel.context(request),
    }


console = Console(
    server,
    "sandbox/xero/console.html",
    {
        "expire-refresh": _expire_refresh,
        "revoke": _revoke,
        "disconnect": _disconnect,
        **bookkeeper.ACTIONS,
        **purchasing.ACTIONS,
        **webhook_panel.ACTIONS,
    },
    _context,
    XeroApiCall,
    kept=("tenant", "invoice"),
    refused=(books.Refused,),
)
