"""After the demo's first sync with a start date, the month's reconciliation shows
Patchbay's and Xero's figures equal for every invoice: total, amount due, status."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command

from accounting import ledger_balances, push_choices
from accounting.engine.sync import run_sync
from accounting.models import AccountMapping, Entity, ExternalRef, PushSettings
from accounting.reconciliation import build
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import IncomeCategory, Invoice, TaxCategory
from tenancy.models import Organisation, User
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.conftest import client_for

# Xero's UK tax types by rate (the sandbox's chart follows Xero's UK demo company).
TAX_TYPES = {Decimal("20"): "OUTPUT2", Decimal("5"): "RROUTPUT", Decimal("0"): "ZERORATEDOUTPUT"}


def _map_demo(connection: Connection) -> None:
    org = connection.organisation
    rows = [
        (AccountMapping.Kind.INCOME, c.pk, "200")
        for c in IncomeCategory.objects.filter(organisation=org)
    ]
    rows += [
        (AccountMapping.Kind.TAX, t.pk, TAX_TYPES[t.rate.normalize()])
        for t in TaxCategory.objects.filter(organisation=org)
    ]
    rows.append((AccountMapping.Kind.PAYMENT_ACCOUNT, 0, "090"))
    for kind, local_id, code in rows:
        AccountMapping.objects.create(
            organisation=org, connection=connection, kind=kind, local_id=local_id, remote_code=code
        )


def test_the_demos_first_sync_leaves_every_invoice_equal_in_xero(
    xero_sandbox: str, settings: Any
) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    organisation = Organisation.objects.get(slug="demo-rentals")
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(User.objects.get(email="manager@demo.test")))
    connection = Connection.objects.select_related("organisation").get(organisation=organisation)
    _map_demo(connection)
    issued = Invoice.objects.filter(organisation=organisation).exclude(status="draft")
    start = min(i.issue_date for i in issued) + timedelta(days=1)  # the oldest stays out
    push_choices.save(connection, PushSettings.InvoiceStatus.APPROVED, start)

    first = run_sync(connection, SyncRun.Trigger.MANUAL)
    run_sync(connection, SyncRun.Trigger.SCHEDULE)  # the pull of what the first one paid

    # The demo's dollar invoice: Xero's UK demo company takes no USD (as Xero refuses).
    assert all("currency USD" in error["message"] for error in first.errors), first.errors
    pushed = set(
        ExternalRef.objects.filter(entity=Entity.INVOICE, connection=connection)
        .exclude(remote_id="")
        .values_list("local_id", flat=True)
    )
    assert pushed == {i.pk for i in issued if i.issue_date >= start and i.currency == "GBP"}
    before = AuditEntry.objects.filter(connection=connection).count()
    months = sorted({date(i.issue_date.year, i.issue_date.month, 1) for i in issued})
    rows = []
    for month in months:
        ledger_balances.refresh(connection, month)
        rows += build(organisation, month).invoices
    # One IDs read per month (every month here has under 50 invoices).
    assert AuditEntry.objects.filter(connection=connection).count() - before == len(months)
    assert {row.local_id for row in rows} == pushed
    for row in rows:
        assert row.ledger is not None, row.number
        assert (row.ledger.total, row.ledger.amount_due, row.ledger_settlement) == (
            row.total,
            row.amount_due,
            row.settlement,
        ), row.number
        assert row.differences == []
    assert {row.settlement for row in rows} >= {"part settled", "open"}
