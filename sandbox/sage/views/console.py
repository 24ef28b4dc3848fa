"""The Sage sandbox console (sandbox/core/console.py): act as Sage and its users, keep a
business's books, cancel subscriptions, lapse or revoke grants."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox.core.console import RECENT, Console, posted
from sandbox.sage import books, controls
from sandbox.sage.identity import revoke_grant, server
from sandbox.sage.models import SageApiCall, SageBusiness, SageGrant, SageToken, SageUser
from sandbox.sage.views import books as bookkeeper


def _grant(request: HttpRequest) -> SageGrant:
    grant: SageGrant = posted(request, SageGrant.objects.select_related("user"), "grant", "grant")
    return grant


def _expire_refresh(request: HttpRequest) -> str:
    grant = _grant(request)
    count = controls.expire_refresh_tokens(grant)
    return f"{count} refresh token(s) of {grant} lapsed: the next refresh gets invalid_grant."


def _revoke(request: HttpRequest) -> str:
    grant = _grant(request)
    revoke_grant(grant)
    return f"{grant}: app access removed; refresh gets invalid_grant, access tokens run out."


def _context(request: HttpRequest) -> dict[str, Any]:
    return {
        "businesses": SageBusiness.objects.all(),
        "users": SageUser.objects.prefetch_related("businesses").select_related("lead_business"),
        "grants": SageGrant.objects.select_related("user"),
        "tokens": SageToken.objects.select_related("grant__user")[:RECENT],
        **bookkeeper.context(request),
    }


console = Console(
    server,
    "sandbox/sage/console.html",
    {"expire-refresh": _expire_refresh, "revoke": _revoke, **bookkeeper.ACTIONS},
    _context,
    SageApiCall,
    kept=("business", "invoice"),
    refused=(books.Refused,),
)
