"""After the demo's first sync with a start date, every invoice of the reconciliation is
equal in Sage (the sandbox's UK business): total, amount due, status."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import AccountMapping
from integrations.models import Connection
from operations.models import TaxCategory
from tests.accounting import reconcile_demo
from tests.accounting.providers.sage.helpers import connect_through_sandbox, map_everything
from tests.conftest import client_for

# Sage's UK VAT rates by percentage (sandbox/sage/accounting/chart.py).
TAX_RATES = {Decimal("20"): "GB_STANDARD", Decimal("5"): "GB_REDUCED", Decimal("0"): "GB_ZERO"}


def test_the_demos_first_sync_leaves_every_invoice_equal_in_sage(sage_sandbox: str) -> None:
    organisation, manager = reconcile_demo.seed()
    connect_through_sandbox(client_for(manager))
    connection = Connection.objects.select_related("organisation").get(organisation=organisation)
    map_everything(connection)
    for tax in TaxCategory.objects.filter(organisation=organisation):
        AccountMapping.objects.filter(
            connection=connection, kind=AccountMapping.Kind.TAX, local_id=tax.pk
        ).update(remote_code=TAX_RATES[tax.rate.normalize()])

    start, first = reconcile_demo.sync_from_after_the_oldest(connection)

    # The demo's dollar invoice: the sandbox business, like Sage, has no USD enabled.
    refused = {e.get("local_id") for e in first.errors}
    expected = {
        i.pk
        for i in reconcile_demo.issued(organisation)
        if i.issue_date >= start and i.pk not in refused
    }
    assert all(i.currency == "USD" for i in reconcile_demo.issued(organisation) if i.pk in refused)
    assert reconcile_demo.pushed(connection) == expected
    rows = reconcile_demo.reconciled(connection)
    assert {row.local_id for row in rows} == expected
    reconcile_demo.assert_equal_field_by_field(rows)
