"""After the demo's first sync with a start date, every invoice of the reconciliation is
equal in Xero (the sandbox's UK demo company): total, amount due, status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounting.engine.sync import adapter_for
from accounting.models import AccountMapping
from integrations.models import AuditEntry, Connection
from operations.models import ExpenseCategory, IncomeCategory, TaxCategory
from tests.accounting import reconcile_demo
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
    # The demo's purchase orders: every expense category to the chart's first expense
    # account, as the mappings page offers them.
    [expense, *_] = adapter_for(connection, None).expense_accounts()
    rows += [
        (AccountMapping.Kind.EXPENSE, c.pk, expense.code)
        for c in ExpenseCategory.objects.filter(organisation=org)
    ]
    for kind, local_id, code in rows:
        AccountMapping.objects.create(
            organisation=org, connection=connection, kind=kind, local_id=local_id, remote_code=code
        )


def test_the_demos_first_sync_leaves_every_invoice_equal_in_xero(
    xero_sandbox: str, settings: Any
) -> None:
    organisation, manager = reconcile_demo.seed()
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(manager))
    connection = Connection.objects.select_related("organisation").get(organisation=organisation)
    _map_demo(connection)

    start, first = reconcile_demo.sync_from_after_the_oldest(connection)

    # The demo's dollar invoice: Xero's UK demo company takes no USD (as Xero refuses).
    assert all("currency USD" in error["message"] for error in first.errors), first.errors
    issued = reconcile_demo.issued(organisation)
    expected = {i.pk for i in issued if i.issue_date >= start and i.currency == "GBP"}
    assert reconcile_demo.pushed(connection) == expected
    before = AuditEntry.objects.filter(connection=connection).count()
    rows = reconcile_demo.reconciled(connection)
    months = {(i.issue_date.year, i.issue_date.month) for i in issued if i.pk in expected}
    # One IDs read per month with invoices in Xero (each has fewer than 50 here).
    assert AuditEntry.objects.filter(connection=connection).count() - before == len(months)
    assert {row.local_id for row in rows} == expected
    reconcile_demo.assert_equal_field_by_field(rows)
