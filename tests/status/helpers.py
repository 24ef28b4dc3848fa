"""Audit rows for the status page's tests: what the call layer writes, made directly so a
test can say exactly which statuses and durations the summary must read."""

from __future__ import annotations

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
