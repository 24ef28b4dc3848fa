"""A run's push windows, read together: a phase with provably nothing to read is quiet
(its phase does nothing), anything that could give it work is not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting.engine import due
from accounting.models import Entity, ExternalRef, IncludedRecord, PushCursor
from integrations.models import Connection
from operations.models import Customer
from tests import factories
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection

CONTEXT = "context"
NEEDS = [
    due.Need(Entity.CUSTOMER, CONTEXT),
    due.document(Entity.INVOICE, CONTEXT),
    due.Need(Entity.PAYMENT, CONTEXT, ("invoice_id", Entity.INVOICE)),
]


@pytest.fixture
def connection(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


def cursor(connection: Connection, entity: str, since: datetime, **extra: object) -> PushCursor:
    fields = {"context": CONTEXT, "full_check_at": since, **extra}
    return PushCursor.objects.create(
        organisation=connection.organisation,
        connection=connection,
        entity=entity,
        since=since,
        **fields,
    )


def link(
    connection: Connection, entity: str, local_id: int, state: str, **extra: object
) -> ExternalRef:
    return ExternalRef.objects.create(
        organisation=connection.organisation,
        connection=connection,
        entity=entity,
        local_id=local_id,
        remote_id=f"r-{local_id}",
        state=state,
        **extra,
    )


def quiet_cursors(connection: Connection) -> datetime:
    """Every phase's cursor ten minutes back, and records older than that."""
    since = timezone.now() - timedelta(minutes=10)
    factories.make_customer(connection.organisation)
    Customer.objects.update(updated_at=since - timedelta(hours=1))
    for need in NEEDS:
        cursor(connection, need.entity, since)
    return since


def test_a_first_run_checks_everything(connection: Connection) -> None:
    windows = due.windows(connection, NEEDS)

    assert [windows.take(need.entity).since for need in NEEDS] == [None] * 3
    assert not any(windows.take(need.entity).quiet for need in NEEDS)


def test_with_nothing_changed_every_phase_is_quiet_and_costs_four_statements(
    connection: Connection,
) -> None:
    since = quiet_cursors(connection)

    with CaptureQueriesContext(db) as queries:
        windows = due.windows(connection, NEEDS)

    assert len(queries) == 4  # cursors, links, inclusions, which tables changed
    assert all(windows.take(need.entity).quiet for need in NEEDS)
    assert windows.take(Entity.INVOICE).since == since


def test_quiet_cursors_move_on_together_and_keep_their_context(connection: Connection) -> None:
    quiet_cursors(connection)
    windows = due.windows(connection, NEEDS)
    for entity in (Entity.CUSTOMER, Entity.INVOICE):
        windows.went_through(windows.take(entity))

    with CaptureQueriesContext(db) as queries:
        windows.advance_quiet()

    assert len(queries) == 1
    moved = dict(PushCursor.objects.values_list("entity", "since"))
    assert moved[Entity.CUSTOMER] == moved[Entity.INVOICE] == windows.started_at - due.OVERLAP
    assert moved[Entity.PAYMENT] < moved[Entity.INVOICE]  # its phase never went through
    assert set(PushCursor.objects.values_list("context", flat=True)) == {CONTEXT}


def test_a_changed_record_gives_its_phase_work(connection: Connection) -> None:
    quiet_cursors(connection)
    Customer.objects.update(updated_at=timezone.now())

    windows = due.windows(connection, NEEDS)

    assert not windows.take(Entity.CUSTOMER).quiet
    assert windows.take(Entity.INVOICE).quiet  # no invoice changed, no customer link did


def test_an_unsettled_link_gives_its_phase_work(connection: Connection) -> None:
    quiet_cursors(connection)
    link(connection, Entity.INVOICE, 7, ExternalRef.State.ERROR)

    invoices = due.windows(connection, NEEDS).take(Entity.INVOICE)

    assert not invoices.quiet
    assert invoices.unsettled == {7}


def test_a_batch_in_flight_gives_its_phase_work_even_excluded(connection: Connection) -> None:
    """push.plan resends a batch sent without an answer, whatever the record's exclusion."""
    quiet_cursors(connection)
    link(connection, Entity.PAYMENT, 8, ExternalRef.State.PENDING, excluded=True)

    payments = due.windows(connection, NEEDS).take(Entity.PAYMENT)

    assert not payments.quiet
    assert payments.unsettled == frozenset()  # excluded: not read, but resent


def test_a_customer_linked_since_gives_its_documents_work(connection: Connection) -> None:
    quiet_cursors(connection)
    link(connection, Entity.CUSTOMER, 9, ExternalRef.State.LINKED)  # updated now

    windows = due.windows(connection, NEEDS)

    assert windows.take(Entity.INVOICE).waiting_on == {9}
    assert not windows.take(Entity.INVOICE).quiet
    assert windows.take(Entity.PAYMENT).quiet  # a payment waits on invoices, not customers


def test_a_record_included_since_gives_its_phase_work(connection: Connection) -> None:
    quiet_cursors(connection)
    IncludedRecord.objects.create(
        organisation=connection.organisation,
        connection=connection,
        entity=Entity.INVOICE,
        local_id=11,
    )

    invoices = due.windows(connection, NEEDS).take(Entity.INVOICE)

    assert (invoices.quiet, invoices.unsettled) == (False, frozenset({11}))


def test_a_new_context_or_a_full_check_due_reads_everything(connection: Connection) -> None:
    since = timezone.now() - timedelta(minutes=10)
    cursor(connection, Entity.CUSTOMER, since, context="older")
    cursor(connection, Entity.INVOICE, since, full_check_at=since - due.FULL_CHECK_EVERY)
    cursor(connection, Entity.PAYMENT, since)

    windows = due.windows(connection, NEEDS)

    assert [windows.take(need.entity).since for need in NEEDS] == [None, None, since]


def test_after_a_phase_with_work_the_phases_waiting_on_its_kind_read_afresh(
    connection: Connection,
) -> None:
    """What a phase linked (a customer) counts for the phases waiting on it, as when each
    phase read its own window; a phase waiting on another kind keeps the one read."""
    quiet_cursors(connection)
    Customer.objects.update(updated_at=timezone.now())
    windows = due.windows(connection, NEEDS)
    windows.went_through(windows.take(Entity.CUSTOMER))  # it pushed and linked:
    link(connection, Entity.CUSTOMER, 12, ExternalRef.State.LINKED)

    assert windows.take(Entity.INVOICE).waiting_on == {12}
    assert windows.take(Entity.PAYMENT) is windows.read[Entity.PAYMENT]
