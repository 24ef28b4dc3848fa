"""Read-only views of what the Sage sandbox saw, for tests and benchmarks to assert on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum
from django.utils import timezone

from sandbox.core.crypto import digest
from sandbox.sage.models import (
    SageApiCall,
    SageIdempotentRequest,
    SageRefreshPresentation,
    SageToken,
)

Outcome = SageRefreshPresentation.Outcome


@dataclass(frozen=True)
class Presentation:
    token_hash: str
    last4: str
    outcome: str
    at: datetime


@dataclass(frozen=True)
class ApiCall:
    token_hash: str | None
    business: str
    method: str
    path: str
    status: int
    at: datetime


def token_hash(token: str) -> str:
    return digest(token)


def refresh_presentations(token: str | None = None) -> list[Presentation]:
    """Every refresh token presented to the token endpoint, oldest first."""
    rows = SageRefreshPresentation.objects.all()
    if token is not None:
        rows = rows.filter(token_hash=digest(token))
    return [Presentation(row.token_hash, row.last4, row.outcome, row.at) for row in rows]


def count_refreshes(outcome: str | None = Outcome.ROTATED) -> int:
    """Refresh presentations with this outcome (all of them with None)."""
    rows = SageRefreshPresentation.objects.all()
    return rows.count() if outcome is None else rows.filter(outcome=outcome).count()


def superseded_presentations() -> list[Presentation]:
    """Refresh tokens presented after they were rotated, revoked or lapsed. A client
    with single-flight refresh that saves every rotated token produces none."""
    return [item for item in refresh_presentations() if item.outcome != Outcome.ROTATED]


def api_calls(
    business: str | None = None, access_token: str | None = None, status: int | None = None
) -> list[ApiCall]:
    """Recorded API calls, oldest first, narrowed by business id, token and status."""
    rows = SageApiCall.objects.select_related("token")
    if business is not None:
        rows = rows.filter(business=business)
    if access_token is not None:
        rows = rows.filter(token__token_hash=digest(access_token))
    if status is not None:
        rows = rows.filter(status=status)
    return [
        ApiCall(
            row.token.token_hash if row.token else None,
            row.business,
            row.method,
            row.path,
            row.status,
            row.at,
        )
        for row in rows
    ]


def api_call_count(
    business: str | None = None,
    status: int | None = None,
    *,
    access_token: str | None = None,
    method: str | None = None,
) -> int:
    """How many API calls (for this business, with this status, token and method)."""
    calls = api_calls(business, access_token, status)
    return sum(1 for call in calls if method is None or call.method == method)


def calls_per_business() -> dict[str, int]:
    """API calls per business id ("" for calls that named none, such as /businesses)."""
    counts: dict[str, int] = {}
    for call in api_calls():
        counts[call.business] = counts.get(call.business, 0) + 1
    return counts


def idempotent_replays(*, with_other_body: bool = False) -> int:
    """Writes answered from the idempotency_id store instead of being carried out.

    With `with_other_body`, only replays whose request body differed from the first:
    a client that reuses an id for a changed payload produces some.
    """
    field = "replays_with_other_body" if with_other_body else "replays"
    total = SageIdempotentRequest.objects.aggregate(total=Sum(field))["total"]
    return int(total or 0)


def live_tokens(kind: str | None = None) -> int:
    """Tokens neither revoked nor rotated and not yet expired."""
    rows = SageToken.objects.filter(
        revoked_at__isnull=True, rotated_at__isnull=True, expires_at__gt=timezone.now()
    )
    return rows.count() if kind is None else rows.filter(kind=kind).count()
