"""Read-only views of what the Xero sandbox saw, for tests to assert on
(sandbox/core/inspect.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.core import inspect, jwt
from sandbox.core.inspect import Presentation, token_hash
from sandbox.xero.models import XeroApiCall, XeroConnection, XeroRefreshPresentation, XeroToken

__all__ = ["Presentation", "token_hash"]
Outcome = XeroRefreshPresentation.Outcome


@dataclass(frozen=True)
class ApiCall:
    token_hash: str | None
    tenant_id: str | None
    method: str
    path: str
    status: int
    at: datetime


def refresh_presentations(token: str | None = None) -> list[Presentation]:
    return inspect.presentations(XeroRefreshPresentation, token)


def count_refreshes(outcome: str | None = Outcome.ROTATED) -> int:
    return inspect.count_outcomes(XeroRefreshPresentation, outcome)


def superseded_presentations() -> list[Presentation]:
    """Presentations of a refresh token that had already been rotated or had lapsed.

    A client with single-flight refresh that saves each rotated token produces none.
    """
    return [item for item in refresh_presentations() if item.outcome != Outcome.ROTATED]


def api_calls(access_token: str | None = None) -> list[ApiCall]:
    return [
        ApiCall(
            row.token.token_hash if row.token else None,
            str(row.tenant_id) if row.tenant_id else None,
            row.method,
            row.path,
            row.status,
            row.at,
        )
        for row in inspect.calls(XeroApiCall, access_token)
    ]


def api_call_count(access_token: str | None = None, status: int | None = None) -> int:
    """API calls (made with this access token, if given; with this status, if given)."""
    return inspect.calls(XeroApiCall, access_token, status=status).count()


def calls_per_token() -> dict[str, int]:
    """Successful API calls per access token, keyed by token hash."""
    counts: dict[str, int] = {}
    for call in api_calls():
        if call.token_hash and call.status < 400:
            counts[call.token_hash] = counts.get(call.token_hash, 0) + 1
    return counts


def access_token_claims(access_token: str) -> dict[str, Any]:
    """The claims a client would read from an access token (signature not checked)."""
    return jwt.unverified_claims(access_token)


def live_tokens(kind: str | None = None) -> int:
    """Tokens neither revoked nor rotated (refresh) and not yet expired."""
    return inspect.live_tokens(XeroToken, kind, replaced="rotated_at")


def connected_tenants(email: str) -> list[str]:
    """The tenant ids a sandbox user has connected to any app."""
    rows = XeroConnection.objects.filter(grant__user__email=email).select_related("organisation")
    return [str(row.organisation.tenant_id) for row in rows]
