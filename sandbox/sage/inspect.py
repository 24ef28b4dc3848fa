"""Read-only views of what the Sage sandbox saw, for tests and benchmarks to assert on
(sandbox/core/inspect.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum

from sandbox.core import inspect
from sandbox.core.inspect import Presentation, token_hash
from sandbox.sage.models import (
    SageApiCall,
    SageIdempotentRequest,
    SageRefreshPresentation,
    SageToken,
)

__all__ = ["Presentation", "token_hash"]
Outcome = SageRefreshPresentation.Outcome


@dataclass(frozen=True)
class ApiCall:
    token_hash: str | None
    business: str
    method: str
    path: str
    status: int
    at: datetime


def refresh_presentations(token: str | None = None) -> list[Presentation]:
    return inspect.presentations(SageRefreshPresentation, token)


def count_refreshes(outcome: str | None = Outcome.ROTATED) -> int:
    return inspect.count_outcomes(SageRefreshPresentation, outcome)


def superseded_presentations() -> list[Presentation]:
    """Refresh tokens presented after they were rotated, revoked or lapsed. A client
    with single-flight refresh that saves every rotated token produces none."""
    return [item for item in refresh_presentations() if item.outcome != Outcome.ROTATED]


def api_calls(
    business: str | None = None, access_token: str | None = None, status: int | None = None
) -> list[ApiCall]:
    """Recorded API calls, oldest first, narrowed by business id, token and status."""
    rows = inspect.calls(SageApiCall, access_token, business=business, status=status)
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
    rows = inspect.calls(SageApiCall, access_token, business=business, status=status)
    return rows.filter(method=method).count() if method is not None else rows.count()


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
    return inspect.live_tokens(SageToken, kind, replaced="rotated_at")
