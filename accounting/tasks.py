"""Accounting's own tasks. Syncs themselves are dispatched by the platform
(integrations.syncs), which calls back into the engine through the registry."""

from __future__ import annotations

from celery import shared_task

from accounting import crew_choices, remote_choices
from accounting.models import CrewChoices, RemoteChoices
from integrations.models import Connection


def _active(connection_id: int) -> Connection | None:
    """The connection, if it still exists and is connected."""
    return (
        Connection.objects.select_related("organisation")
        .filter(pk=connection_id, state__in=Connection.ACTIVE_STATES)
        .first()
    )


@shared_task
def refresh_remote_choices(connection_id: int) -> bool:
    """Fetch a connection's chart of accounts, tax rates and tracking choices into the
    cache the mappings page reads. False when the connection is gone or not connected."""
    connection = _active(connection_id)
    if connection is None:
        RemoteChoices.objects.filter(connection_id=connection_id).update(refresh_requested_at=None)
        return False
    return not remote_choices.fetch(connection).error


@shared_task
def refresh_ledger_balances(connection_id: int, month: str) -> int:
    """Read a month's invoices from the ledger for the reconciliation (``month`` as
    YYYY-MM-DD, its first day). 0 when the connection is gone or not connected."""
    from datetime import date

    from accounting import ledger_balances

    connection = _active(connection_id)
    if connection is None:
        return 0
    return ledger_balances.refresh(connection, date.fromisoformat(month))


@shared_task
def refresh_crew_choices(connection_id: int) -> bool:
    """Fetch a connection's employees and vendors into the cache the crew mapping page
    reads. False when the connection is gone or not connected."""
    connection = _active(connection_id)
    if connection is None:
        CrewChoices.objects.filter(connection_id=connection_id).update(refresh_requested_at=None)
        return False
    return not crew_choices.fetch(connection).error
