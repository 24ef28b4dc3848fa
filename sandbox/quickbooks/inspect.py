"""Read-only views of what the sandbox saw, for tests and benchmarks to assert on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from sandbox.core.crypto import digest
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
    rows = QboApiCall.objects.all()
    if realm_id is not None:
        rows = rows.filter(realm_id=realm_id)
    if access_token is not None:
        rows = rows.filter(token__token_hash=digest(access_token))
    return [
        ApiCall(
            row.realm_id, row.method, row.path, row.operation, row.status, row.intuit_tid, row.at
        )
        for row in rows
    ]


def api_call_count(
    realm_id: str | None = None,
    status: int | None = None,
    operation: str | None = None,
    access_token: str | None = None,
) -> int:
    """API calls, narrowed to a realm, an HTTP status, an operation (read, write, query,
    cdc, batch) or an access token when given."""
    return sum(
        1
        for call in api_calls(realm_id, access_token)
        if (status is None or call.status == status)
        and (operation is None or call.operation == operation)
    )


def calls_per_realm(status: int | None = None) -> dict[str, int]:
    rows = QboApiCall.objects.all()
    if status is not None:
        rows = rows.filter(status=status)
    return {row["realm_id"]: row["n"] for row in rows.values("realm_id").annotate(n=Count("pk"))}


def refresh_outcomes(token: str | None = None) -> list[str]:
    """What each refresh presentation led to, oldest first (kept, rotated, overlap, ...)."""
    rows = QboRefreshPresentation.objects.all()
    if token is not None:
        rows = rows.filter(token_hash=digest(token))
    return [row.outcome for row in rows]


def count_refreshes(outcome: str | None = None) -> int:
    rows = QboRefreshPresentation.objects.all()
    return rows.count() if outcome is None else rows.filter(outcome=outcome).count()


def live_tokens(kind: str | None = None) -> int:
    rows = QboToken.objects.filter(
        revoked_at__isnull=True, superseded_at__isnull=True, expires_at__gt=timezone.now()
    )
    return rows.count() if kind is None else rows.filter(kind=kind).count()


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
