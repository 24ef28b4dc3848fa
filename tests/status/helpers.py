"""Audit rows for the status page's tests: what the call layer writes, made directly so a
test can say exactly which statuses and durations the summary must read."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone

from integrations.models import AuditEntry, Connection


def audit_call(
    connection: Connection,
    status_code: int | None,
    duration_ms: int,
    at: datetime | None = None,
    url: str = "https://api.example.test/Invoices",
) -> AuditEntry:
    return AuditEntry.objects.create(
        organisation_id=connection.organisation_id,
        connection=connection,
        direction="pull",
        entity="invoice",
        method="GET",
        url=url,
        status_code=status_code,
        outcome=AuditEntry.Outcome.READ if status_code == 200 else AuditEntry.Outcome.ERROR,
        duration_ms=duration_ms,
        created_at=at or timezone.now(),
    )


def section(body: str, slug: str) -> str:
    """The page's section of one provider (from its opening tag to its end)."""
    start = body.index(f'id="{slug}"')
    return body[start : body.index("</section>", start)]


def level(body: str, slug: str) -> str:
    found = re.search(r'data-level="([a-z]+)"', section(body, slug))
    assert found is not None
    return found[1]
