"""The ledger's own figures for a month's invoices (total, amount due, status), read
through the adapter by a task and kept (``LedgerBalance``) for the reconciliation to set
beside Patchbay's. No page calls the provider: the page shows what was last read, when."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounting.engine import settle
from accounting.engine.sync import adapter_for
from accounting.models import Entity, ExternalRef, LedgerBalance
from accounting.reconciliation import month_bounds
from integrations.models import Connection
from operations.models import Invoice


def month_invoices(connection: Connection, month: date) -> dict[str, int]:
    """Remote id -> Patchbay id of the connection's linked invoices issued in ``month``."""
    start, end = month_bounds(month, connection.organisation.timezone)
    issued = Invoice.objects.filter(
        organisation_id=connection.organisation_id,
        issue_date__gte=start.date(),
        issue_date__lt=end.date(),
    ).values("pk")
    refs = ExternalRef.objects.filter(
        connection=connection, entity=Entity.INVOICE, local_id__in=issued
    ).exclude(remote_id="")
    return dict(refs.values_list("remote_id", "local_id"))


def refresh(connection: Connection, month: date) -> int:
    """Read the month's linked invoices from the ledger (as few calls as its reads allow)
    and keep their figures; returns how many were read."""
    wanted = month_invoices(connection, month)
    if not wanted:
        return 0
    adapter = adapter_for(connection, None)
    states = settle.ledger_states(adapter, Entity.INVOICE, sorted(wanted))
    now = timezone.now()
    with transaction.atomic():
        for remote_id, state in states.items():
            LedgerBalance.objects.update_or_create(
                connection=connection,
                entity=Entity.INVOICE,
                local_id=wanted[remote_id],
                defaults={
                    "remote_id": remote_id,
                    "total": state.total,
                    "amount_due": state.amount_due,
                    "status": state.status,
                    "ledger_status": state.ledger_status,
                    "read_at": now,
                },
                create_defaults={
                    "organisation_id": connection.organisation_id,
                    "remote_id": remote_id,
                    "total": state.total,
                    "amount_due": state.amount_due,
                    "status": state.status,
                    "ledger_status": state.ledger_status,
                    "read_at": now,
                },
            )
    return len(states)
