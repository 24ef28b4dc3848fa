"""A sync reads what changed since the last push, not every record: the work (queries,
payloads) of a quiet sync doesn't grow with the organisation's history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting.engine import push as push_module
from accounting.models import AccountMapping, Entity, ExternalRef, PushCursor
from integrations.models import AuditEntry, Connection
from operations.models import Invoice
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.test_two_way_and_conflicts import (
    amend,
    connected,
    ref_of,
    sync,
)
from tests.conftest import Tenants

__all__ = ["connected"]  # the sandbox-connected fixture


def _quiet_sync_profile(connection: Connection, at: datetime, monkeypatch: Any) -> tuple[int, int]:
    """(SQL queries, records planned) of a sync at `at` with nothing changed."""
    planned: list[int] = []
    real_plan = push_module.plan

    def counting_plan(conn: Connection, entity: str, records: Any, owned: Any) -> Any:
        planned.append(len(records))
        return real_plan(conn, entity, records, owned)

    monkeypatch.setattr(push_module, "plan", counting_plan)
    with time_machine.travel(at), CaptureQueriesContext(db) as queries:
        sync(connection)
    monkeypatch.undo()
    return len(queries), sum(planned)


def _sync_at(connection: Connection, at: datetime) -> None:
    with time_machine.travel(at):
        sync(connection)


def test_a_quiet_sync_plans_no_record_and_its_queries_do_not_grow_with_history(
    connected: Connection, tenants: Tenants, monkeypatch: Any
) -> None:
    t0 = timezone.now()
    # Three minutes apart (past the two-minute overlap), all within the access token's
    # life: a refresh would add its own queries to one profile only.
    minutes = [t0 + timedelta(minutes=3 * n) for n in range(6)]
    factories.make_issued_invoice(tenants.alpha)
    _sync_at(connected, minutes[0])
    _sync_at(connected, minutes[1])  # re-reads what changed within the overlap
    small_queries, small_planned = _quiet_sync_profile(connected, minutes[2], monkeypatch)

    with time_machine.travel(minutes[3]):  # history grows (for the same customer, so the
        # contacts read back at the pull's cursor boundary stay the same)
        customer = Invoice.objects.get().customer
        for _ in range(12):
            factories.make_issued_invoice(tenants.alpha, customer)
        sync(connected)
    _sync_at(connected, minutes[4])
    large_queries, large_planned = _quiet_sync_profile(connected, minutes[5], monkeypatch)

    assert (small_planned, large_planned) == (0, 0)
    assert large_queries == small_queries


def test_a_changed_invoice_is_read_and_updated_after_quiet_syncs(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(connected)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        sync(connected)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        amend(invoice, "175.00")
        run = sync(connected)
    assert run.counts.get("updated") == 1
    assert AuditEntry.objects.filter(run=run, method="POST", entity=Entity.INVOICE).exists()


def test_an_invoice_waiting_for_its_customer_goes_once_a_person_links_the_customer(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, "Waiting Productions")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    held = ExternalRef.objects.create(  # the customer is held for a person to review
        organisation=tenants.alpha,
        connection=connected,
        entity=Entity.CUSTOMER,
        local_id=customer.pk,
        state=ExternalRef.State.REVIEW,
    )
    sync(connected)
    assert not ExternalRef.objects.filter(entity=Entity.INVOICE, local_id=invoice.pk).exists()

    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # long after the change
        contact = books.create_contact(DEMO_COMPANY_UK, name="Waiting Productions Ltd")
        held.remote_id, held.state = str(contact.contact_id), ExternalRef.State.LINKED
        held.save()  # as resolving the review does
        sync(connected)
    assert ref_of(Entity.INVOICE, invoice.pk).state == ExternalRef.State.LINKED


def test_a_new_mapping_reads_every_record_again(connected: Connection, tenants: Tenants) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(connected)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        AccountMapping.objects.filter(connection=connected, kind=AccountMapping.Kind.INCOME).update(
            remote_code="260"
        )
        run = sync(connected)
    assert run.counts.get("updated") == 1
    update = AuditEntry.objects.get(run=run, method="POST", entity=Entity.INVOICE)
    assert '"AccountCode": "260"' in update.request_body
    assert invoice.pk in ExternalRef.objects.filter(entity=Entity.INVOICE).values_list(
        "local_id", flat=True
    )


def test_a_change_that_bypassed_the_services_is_caught_by_the_daily_full_check(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(connected)
    _sync_at(connected, timezone.now() + timedelta(minutes=5))  # past the overlap
    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later):
        # A bulk UPDATE leaves updated_at alone: the mark is missing.
        Invoice.objects.filter(pk=invoice.pk).update(due_date=invoice.due_date + timedelta(days=9))
        assert sync(connected).counts.get("updated") is None
    with time_machine.travel(later + timedelta(days=1)):
        assert sync(connected).counts.get("updated") == 1
    cursor = PushCursor.objects.get(connection=connected, entity=Entity.INVOICE)
    assert cursor.full_check_at >= later + timedelta(days=1) - timedelta(minutes=1)
