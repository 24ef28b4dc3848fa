"""Xero notifies Patchbay of changes, so a quiet connection's scheduled sync may skip
reading the ledger, up to SYNC_NOTIFIED_POLL_BOUND_SECONDS; against the Xero sandbox
over real HTTP, the clock driven."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting import push_choices
from accounting.models import Entity, PushSettings
from integrations import syncs
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.provider_webhooks import tasks
from integrations.provider_webhooks.models import SyncWakeup
from operations import services
from operations.models import Customer
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from sandbox.xero.webhooks import intent
from tests import factories
from tests.accounting.providers.xero.test_two_way_and_conflicts import connected, ref_of
from tests.conftest import Tenants

__all__ = ["connected"]  # the sandbox-connected fixture


def scheduled(connection: Connection, at: datetime) -> SyncRun:
    """The sync the beat tick would start at ``at`` (the worker's task itself)."""
    with time_machine.travel(at):
        syncs.sync_connection(connection.pk)
    run = SyncRun.objects.filter(connection=connection).latest("started_at")
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return run


def calls(run: SyncRun) -> int:
    return AuditEntry.objects.filter(run=run).count()


def name_of(customer: Customer) -> str:
    customer.refresh_from_db()
    return customer.name


def test_a_change_nobody_notified_is_still_read_within_the_bound(
    connected: Connection, tenants: Tenants, settings: Any
) -> None:
    bound = timedelta(seconds=settings.SYNC_NOTIFIED_POLL_BOUND_SECONDS)
    customer = factories.make_customer(tenants.alpha, name="Quayside Audio")
    t0 = timezone.now()
    first = scheduled(connected, t0)
    assert calls(first) > 0  # never read before: it reads
    contact_id = ref_of(Entity.CUSTOMER, customer.pk).remote_id
    # The sandbox queues its notification, but its sender never runs here: Xero lost it.
    books.edit_contact(DEMO_COMPANY_UK, contact_id, Name="Quayside Audio Group")

    quiet = [scheduled(connected, t0 + timedelta(minutes=m)) for m in (15, 30)]
    with time_machine.travel(t0 + timedelta(minutes=40)):
        newcomer = factories.make_customer(tenants.alpha, name="Stagecraft North")
    quiet.append(scheduled(connected, t0 + timedelta(minutes=45)))

    assert [calls(run) for run in quiet[:2]] == [0, 0]  # no read, nothing to push
    assert name_of(customer) == "Quayside Audio"
    # A skipped read still pushes Patchbay's own changes, on schedule.
    pushed = set(AuditEntry.objects.filter(run=quiet[2]).values_list("method", flat=True))
    assert pushed and "GET" not in pushed
    assert any(c.name == newcomer.name for c in books.contacts_of(DEMO_COMPANY_UK))

    due = scheduled(connected, t0 + bound + timedelta(seconds=1))
    assert "GET" in AuditEntry.objects.filter(run=due).values_list("method", flat=True)
    assert name_of(customer) == "Quayside Audio Group"  # read within the bound


def webhook_dispatch(at: datetime) -> list[tuple[int, str]]:
    """The webhook dispatcher's tick at ``at``, its syncs run at once (no broker)."""
    started: list[tuple[int, str]] = []

    def run_now(connection_id: int, trigger: str) -> None:
        started.append((connection_id, trigger))
        syncs.sync_connection(connection_id, trigger)

    with pytest.MonkeyPatch.context() as patch, time_machine.travel(at):
        patch.setattr(syncs.sync_connection, "delay", run_now)
        tasks.dispatch_webhook_syncs()
    return started


def test_a_change_xero_notified_is_read_promptly(
    connected: Connection, tenants: Tenants, settings: Any, live_server: Any
) -> None:
    settings.SANDBOX_XERO_WEBHOOK_URL = f"{live_server.url}/settings/integrations/xero/webhook/"
    settings.SANDBOX_XERO_WEBHOOK_ASYNC = False  # the sandbox delivers as the edit is made
    intent.send_intent_to_receive()
    customer = factories.make_customer(tenants.alpha, name="Quayside Audio")
    t0 = timezone.now()
    # Past the debounce (the clock runs on while a sync takes its seconds).
    settle = timedelta(seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS + 10)
    scheduled(connected, t0)  # pushes the customer
    webhook_dispatch(t0 + settle)  # runs the sync of any notification that push caused
    assert calls(scheduled(connected, t0 + timedelta(minutes=15))) == 0  # quiet: skipped

    contact_id = ref_of(Entity.CUSTOMER, customer.pk).remote_id
    edited = t0 + timedelta(minutes=16)
    with time_machine.travel(edited):
        books.edit_contact(DEMO_COMPANY_UK, contact_id, Name="Quayside Audio Group")
    assert SyncWakeup.objects.filter(connection=connected).exists()

    assert webhook_dispatch(edited + settle) == [(connected.pk, SyncRun.Trigger.WEBHOOK)]
    assert name_of(customer) == "Quayside Audio Group"  # within the debounce, not the bound


def test_a_scheduled_sync_with_a_notification_waiting_reads(
    connected: Connection, tenants: Tenants
) -> None:
    """The webhook dispatcher is not running: the scheduled run is the backstop, and
    reads because a wake-up is waiting."""
    t0 = timezone.now()
    scheduled(connected, t0)
    SyncWakeup.objects.create(
        organisation_id=connected.organisation_id,
        connection=connected,
        first_at=t0 + timedelta(minutes=5),
        due_at=t0 + timedelta(minutes=5, seconds=30),
    )
    assert calls(scheduled(connected, t0 + timedelta(minutes=15))) > 0


def test_without_webhooks_set_up_every_scheduled_sync_reads(
    connected: Connection, tenants: Tenants, settings: Any
) -> None:
    settings.XERO_WEBHOOK_KEY = ""  # notifications would be refused: none can be trusted
    t0 = timezone.now()
    scheduled(connected, t0)
    assert calls(scheduled(connected, t0 + timedelta(minutes=15))) > 0


def test_sync_now_always_reads(connected: Connection, tenants: Tenants) -> None:
    from accounting.engine.sync import run_sync

    t0 = timezone.now()
    scheduled(connected, t0)
    with time_machine.travel(t0 + timedelta(minutes=15)):
        fresh = Connection.objects.select_related("organisation").get(pk=connected.pk)
        run = run_sync(fresh, SyncRun.Trigger.MANUAL)
    assert calls(run) > 0


def test_a_payment_recorded_within_the_bound_is_sent_by_the_next_scheduled_sync(
    connected: Connection, tenants: Tenants
) -> None:
    """Money goes only after a read (a payment also keyed in the ledger must be seen
    first), so a quiet connection with a payment waiting reads rather than holding the
    payment for the poll bound."""
    push_choices.save(connected, PushSettings.InvoiceStatus.APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)
    t0 = timezone.now()
    scheduled(connected, t0)
    quiet = scheduled(connected, t0 + timedelta(minutes=15))
    assert calls(quiet) == 0
    with time_machine.travel(t0 + timedelta(minutes=20)):
        payment = services.record_payment(invoice, Decimal("50.00"), date.today(), "BACS 2")

    paying = scheduled(connected, t0 + timedelta(minutes=30))

    methods = set(AuditEntry.objects.filter(run=paying).values_list("method", flat=True))
    assert "GET" in methods  # it read the ledger first
    assert ref_of(Entity.PAYMENT, payment.pk).remote_id
    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    assert remote.amount_paid == Decimal("50.00")


def second_organisation(template: Connection, tenants: Tenants) -> Connection:
    """Bravo on a new sandbox organisation of its own, on a copy of alpha's token set (as
    the fleet benchmark builds its organisations), its categories mapped."""
    from sandbox.xero.models import XeroConnection, XeroOrganisation
    from tests.accounting.test_engine import map_everything

    sandbox_grant = XeroConnection.objects.select_related("grant").first().grant  # type: ignore[union-attr]
    remote = XeroOrganisation.objects.create(name="Bravo Ledger", short_code="!bravo")
    XeroConnection.objects.create(
        grant=sandbox_grant, organisation=remote, auth_event_id=uuid.uuid4()
    )
    grant = template.grant
    assert grant is not None
    grant.pk = None
    grant.organisation = tenants.bravo
    grant.save()
    factories.line(tenants.bravo, "1.00")
    connection = Connection.objects.create(
        organisation=tenants.bravo,
        provider="xero",
        remote_id=str(remote.tenant_id),
        remote_name=remote.name,
        grant=grant,
    )
    map_everything(connection)
    return connection


def quiet_profile(connection: Connection, at: datetime, trigger: str) -> tuple[int, int]:
    """(SQL statements, API calls) of a sync at ``at`` with nothing changed."""
    from accounting.engine.sync import run_sync

    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    with time_machine.travel(at), CaptureQueriesContext(db) as queries:
        run = run_sync(fresh, trigger)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return len(queries), calls(run)


def test_a_quiet_sync_makes_a_known_number_of_statements_and_calls(
    connected: Connection, tenants: Tenants
) -> None:
    other = second_organisation(connected, tenants)
    t0 = timezone.now()
    profiles: dict[str, list[tuple[int, int]]] = {"read": [], "skipped": []}
    for connection in (connected, other):
        for minutes in (0, 3):  # the first sync, then the one within the overlap
            scheduled(connection, t0 + timedelta(minutes=minutes))
        profiles["read"].append(quiet_profile(connection, t0 + timedelta(minutes=6), "manual"))
        skipped = quiet_profile(connection, t0 + timedelta(minutes=9), "schedule")
        profiles["skipped"].append(skipped)

    # Demo Company (UK) has customers linked, so its reads include one of the invoices made
    # in the ledger (the mirror's), and its read cursors re-read their newest records (the
    # overlap) and look at their links; the new ledger returns nothing to look at.
    assert profiles["read"] == [(QUIET_READ_QUERIES, 4), (QUIET_READ_QUERIES_NO_INVOICES, 3)]
    # Skipping the reads, both organisations make the same statements and no call.
    assert profiles["skipped"] == [(QUIET_SKIPPED_QUERIES, 0)] * 2


# A quiet sync's SQL statements: the run (start, finish), mappings and push choices, the
# reads' cursors, audit entries and the connection's health after each call, and the
# push windows of every phase read together (cursors, unsettled links, inclusions, which
# tables changed) with the quiet cursors moved on in one UPDATE: no phase has a statement
# of its own. They follow what the ledger holds, not the organisation or its history.
QUIET_READ_QUERIES = 35
QUIET_READ_QUERIES_NO_INVOICES = 30
# Skipping the reads: the push windows (which also show no money waits), nothing else.
QUIET_SKIPPED_QUERIES = 20
