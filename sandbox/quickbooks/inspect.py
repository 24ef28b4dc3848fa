"""Read-only views of what the QuickBooks sandbox saw, for tests and benchmarks to assert
on (sandbox/core/inspect.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count

from sandbox.core import inspect
from sandbox.quickbooks.models import (
    QboApiCall,
    QboDelivery,
    QboRefreshPresentation,
    QboToken,
)

Outcome = QboRefreshPresentation.Outcome


@dataclass(frozen=True)
class ApiCall:
    realm_id: str
    method: str
    path: str
    operation: str
    status: int
    intuit_tid: str
    at: datetime


def api_calls(realm_id: str | None = None, access_token: str | None = None) -> list[ApiCall]:
    return [
        ApiCall(
            row.realm_id, row.method, row.path, row.operation, row.status, row.intuit_tid, row.at
        )
        for row in inspect.calls(QboApiCall, access_token, realm_id=realm_id)
    ]


def api_call_count(
    realm_id: str | None = None,
    status: int | None = None,
    operation: str | None = None,
    access_token: str | None = None,
) -> int:
    """API calls, narrowed to a realm, an HTTP status, an operation (read, write, query,
    cdc, batch) or an access token when given."""
    where = {"realm_id": realm_id, "status": status, "operation": operation}
    return inspect.calls(QboApiCall, access_token, **where).count()


def calls_per_realm(status: int | None = None) -> dict[str, int]:
    rows = inspect.calls(QboApiCall, status=status).values("realm_id").annotate(n=Count("pk"))
    return {row["realm_id"]: row["n"] for row in rows}


def refresh_outcomes(token: str | None = None) -> list[str]:
    """What each refresh presentation led to, oldest first (kept, rotated, overlap, ...)."""
    return [item.outcome for item in inspect.presentations(QboRefreshPresentation, token)]


def count_refreshes(outcome: str | None = None) -> int:
    return inspect.count_outcomes(QboRefreshPresentation, outcome)


def live_tokens(kind: str | None = None) -> int:
    return inspect.live_tokens(QboToken, kind, replaced="superseded_at")


def deliveries(kind: str | None = None, realm_id: str | None = None) -> list[QboDelivery]:
    rows = QboDelivery.objects.all()
    if kind is not None:
        rows = rows.filter(kind=kind)
    if realm_id is not None:
        rows = rows.filter(realm_id=realm_id)
    return list(rows)


def webhook_entities(realm_id: str | None = None) -> list[dict[str, Any]]:
    """Every entity event the sandbox notified (legacy payloads), oldest first."""
    found: list[dict[str, Any]] = []
    for row in deliveries(QboDelivery.Kind.WEBHOOK, realm_id):
        body = json.loads(row.body)
        for notification in body.get("eventNotifications", []) if isinstance(body, dict) else []:
            found += notification["dataChangeEvent"]["entities"]
    return found
