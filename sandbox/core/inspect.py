"""Read-only views of what an authorisation server and its API saw, for tests and
benchmarks to assert on (each provider's inspect module narrows them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sandbox.core.crypto import digest
from sandbox.core.models import ApiCall, RefreshPresentation, Token


@dataclass(frozen=True)
class Presentation:
    token_hash: str
    last4: str
    outcome: str
    at: datetime
    client_id: str


def token_hash(token: str) -> str:
    """How the sandbox refers to a token: compare with `Presentation.token_hash`."""
    return digest(token)


def presentations(model: type[RefreshPresentation], token: str | None = None) -> list[Presentation]:
    """Every refresh token presented to the token endpoint (this one, if given), oldest
    first."""
    rows: QuerySet[Any] = model._default_manager.all()
    if token is not None:
        rows = rows.filter(token_hash=digest(token))
    return [
        Presentation(row.token_hash, row.last4, row.outcome, row.at, row.client_id) for row in rows
    ]


def count_outcomes(model: type[RefreshPresentation], outcome: str | None) -> int:
    """Refresh presentations with this outcome (all of them with None)."""
    rows: QuerySet[Any] = model._default_manager.all()
    return rows.count() if outcome is None else rows.filter(outcome=outcome).count()


def live_tokens(model: type[Token], kind: str | None, replaced: str) -> int:
    """Tokens neither revoked nor replaced (`replaced`: the field a rotation sets) and not
    yet expired."""
    rows: QuerySet[Any] = model._default_manager.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now(), **{f"{replaced}__isnull": True}
    )
    return rows.count() if kind is None else rows.filter(kind=kind).count()


def calls(model: type[ApiCall], access_token: str | None = None, **where: Any) -> QuerySet[Any]:
    """Recorded API calls, oldest first, narrowed by the access token and any of the
    call record's columns (a None value narrows nothing)."""
    manager: Any = model._default_manager  # `token` is the concrete call's own field
    rows: QuerySet[Any] = manager.select_related("token")
    if access_token is not None:
        rows = rows.filter(token__token_hash=digest(access_token))
    return rows.filter(**{name: value for name, value in where.items() if value is not None})
