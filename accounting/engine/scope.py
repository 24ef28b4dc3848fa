"""Which documents a connection pushes: those issued on or after its start date (all
when it has none), and those a person included one by one."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from accounting.models import Entity, IncludedRecord, PushSettings
from integrations.models import Connection

Q_ = TypeVar("Q_", bound=QuerySet[Any])


def start_date_of(connection: Connection) -> Any:
    choices = PushSettings.objects.filter(connection=connection).only("start_date").first()
    return choices.start_date if choices else None


def _included(connection: Connection, entity: str) -> QuerySet[IncludedRecord]:
    return IncludedRecord.objects.filter(connection=connection, entity=entity)


def invoices(rows: Q_, connection: Connection) -> Q_:
    start = start_date_of(connection)
    if start is None:
        return rows
    chosen = _included(connection, Entity.INVOICE).values("local_id")
    return rows.filter(Q(issue_date__gte=start) | Q(pk__in=chosen))


def credit_notes(rows: Q_, connection: Connection) -> Q_:
    """A credit note goes when it is on or after the start date, or included itself, or
    credits an invoice that was included (its credit belongs with it)."""
    start = start_date_of(connection)
    if start is None:
        return rows
    chosen = _included(connection, Entity.CREDIT_NOTE).values("local_id")
    invoices_chosen = _included(connection, Entity.INVOICE).values("local_id")
    return rows.filter(
        Q(issue_date__gte=start) | Q(pk__in=chosen) | Q(invoice_id__in=invoices_chosen)
    )
