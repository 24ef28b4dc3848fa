"""What an accounting card says while a run works and after: counts it knows, and the
records still failing now rather than the last run's status."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounting.cards import sync_card
from accounting.models import Entity, ExternalRef
from integrations.models import Connection, SyncRun
from integrations.registry import get_integration
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection


@pytest.mark.parametrize(
    ("phase", "done", "total", "shown"),
    [
        ("", 0, 0, "starting"),
        ("customers from the ledger", 18, 0, "customers from the ledger: 18 so far"),
        ("writing invoices", 12, 40, "writing invoices 12/40"),
    ],
)
def test_a_runs_progress_counts_only_what_it_knows(
    phase: str, done: int, total: int, shown: str
) -> None:
    assert SyncRun(phase=phase, done=done, total=total).progress_label == shown


def test_the_card_counts_the_records_still_failing_not_excluded(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    map_everything(connection)
    SyncRun.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        trigger=SyncRun.Trigger.SCHEDULE,
        status=SyncRun.Status.PARTIAL,
        errors=[{"message": "refused"}],
        lease_expires_at=timezone.now(),
    )
    for local_id, excluded in ((1, False), (2, False), (3, True)):
        ExternalRef.objects.create(
            organisation=tenants.alpha,
            connection=connection,
            entity=Entity.INVOICE,
            local_id=local_id,
            state=ExternalRef.State.ERROR,
            excluded=excluded,
        )
    integration = get_integration("xero")
    assert integration is not None

    card = sync_card(integration, Connection.objects.get(pk=connection.pk), can_manage=True)

    assert card.detail == "Demo Company (UK) · 2 records failing: see Sync runs"
    ExternalRef.objects.filter(local_id__in=[1, 2]).update(excluded=True)
    card = sync_card(integration, Connection.objects.get(pk=connection.pk), can_manage=True)
    assert card.detail == "Demo Company (UK)"
