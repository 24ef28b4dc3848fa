"""Shared steps of the demo reconciliation tests (one per ledger): seed the demo, sync it
with a start date and approved documents, read the ledger's figures and compare."""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.core.management import call_command

from accounting import ledger_balances, push_choices
from accounting.engine.sync import run_sync
from accounting.models import Entity, ExternalRef, PushSettings
from accounting.reconciliation import InvoiceRow, build
from integrations.models import Connection, SyncRun
from operations.models import Invoice
from tenancy.models import Organisation, User

DEMO = "demo-rentals"


def seed() -> tuple[Organisation, User]:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Organisation.objects.get(slug=DEMO), User.objects.get(email="manager@demo.test")


def issued(organisation: Organisation) -> list[Invoice]:
    return list(Invoice.objects.filter(organisation=organisation).exclude(status="draft"))


def sync_from_after_the_oldest(connection: Connection) -> tuple[date, SyncRun]:
    """Approved documents from the day after the oldest invoice (which stays out); the
    first sync, and a second for the pull of what the first paid."""
    start = min(i.issue_date for i in issued(connection.organisation)) + timedelta(days=1)
    push_choices.save(connection, PushSettings.InvoiceStatus.APPROVED, start)
    first = run_sync(connection, SyncRun.Trigger.MANUAL)
    run_sync(connection, SyncRun.Trigger.SCHEDULE)
    return start, first


def pushed(connection: Connection) -> set[int]:
    rows = ExternalRef.objects.filter(entity=Entity.INVOICE, connection=connection)
    return set(rows.exclude(remote_id="").values_list("local_id", flat=True))


def reconciled(connection: Connection) -> list[InvoiceRow]:
    """Every month's invoice rows after reading the ledger's figures for each month."""
    months = sorted(
        {date(i.issue_date.year, i.issue_date.month, 1) for i in issued(connection.organisation)}
    )
    rows: list[InvoiceRow] = []
    for month in months:
        ledger_balances.refresh(connection, month)
        rows += build(connection.organisation, month).invoices
    return rows


def assert_equal_field_by_field(rows: list[InvoiceRow]) -> None:
    for row in rows:
        assert row.ledger is not None, row.number
        assert (row.ledger.total, row.ledger.amount_due, row.ledger_settlement) == (
            row.total,
            row.amount_due,
            row.settlement,
        ), row.number
        assert row.differences == [], row.number
    assert {row.settlement for row in rows} >= {"part settled", "open"}
