"""Read-only views of what the sandbox saw, for tests to assert on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from sandbox.core import jwt
from sandbox.core.crypto import digest
from sandbox.xero.models import XeroApiCall, XeroConnection, XeroRefreshPresentation, XeroToken

Outcome = XeroRefreshPresentation.Outcome


@dataclass(frozen=True)
class Presentation:
    token_hash: str
    last4: str
    outcome: str
    at: datetime
    client_id: str


@dataclass(frozen=True)
class ApiCall:
    token_hash: str | None
    tenant_id: str | None
    method: str
    path: str
    status: int
    at: datetime


def token_hash(token: str) -> str:
    """How the sandbox refers to a token: compare with `Presentation.token_hash`."""
    return digest(token)


def refresh_presentations(token: str | None = None) -> list[Presentation]:
    """Every refresh token presented to the token endpoint, oldest first."""
    rows = XeroRefreshPresentation.objects.all()
    if token is not None:
        rows = rows.filter(token_hash=digest(token))
    return [
        Presentation(row.token_hash, row.last4, row.outcome, row.at, row.client_id) for row in rows
    ]


def count_refreshes(outcome: str | None = Outcome.ROTATED) -> int:
    """Refresh presentations with this outcome (all of them with None)."""
    rows = XeroRefreshPresentation.objects.all()
    return rows.count() if outcome is None else rows.filter(outcome=outcome).count()


def superseded_presentations() -> list[Presentation]:
    """Presentations of a refresh token that had already been rotated or had lapsed.

    A client with single-flight refresh that saves each rotated token produces none.
    """
    return [item for item in refresh_presentations() if item.outcome != Outcome.ROTATED]


def api_calls(access_token: str | None = None) -> list[ApiCall]:
    rows = XeroApiCall.objects.select_related("token")
    if access_token is not None:
        rows = rows.filter(token__token_hash=digest(access_token))
    return [
        ApiCall(
            row.token.token_hash if row.token else None,
            str(row.tenant_id) if row.tenant_id else None,
            row.method,
            row.path,
            row.status,
            row.at,
        )
        for row in rows
    ]


def api_call_count(access_token: str | None = None, status: int | None = None) -> int:
    """API calls (made with this access token, if given; with this status, if given)."""
    return sum(1 for call in api_calls(access_token) if status is None or call.status == status)


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
    rows = XeroToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    rows = rows.filter(rotated_at__isnull=True)
    return rows.count() if kind is None else rows.filter(kind=kind).count()


def connected_tenants(email: str) -> list[str]:
    """The tenant ids a sandbox user has connected to any app."""
    rows = XeroConnection.objects.filter(grant__user__email=email).select_related("organisation")
    return [str(row.organisation.tenant_id) for row in rows]
