"""After the demo's first sync with a start date, every invoice of the reconciliation is
equal in QuickBooks (the UK sandbox company): total, amount due, status."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import AccountMapping
from integrations.models import Connection
from operations.models import TaxCategory
from tests.accounting import reconcile_demo
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import client_for

# The UK sandbox company's VAT codes by rate (sandbox/quickbooks/chart.py, as Intuit's).
TAX_CODES = {Decimal("20"): "3", Decimal("5"): "5", Decimal("0"): "7"}


def test_the_demos_first_sync_leaves_every_invoice_equal_in_quickbooks(
    quickbooks_sandbox: str,
) -> None:
    organisation, manager = reconcile_demo.seed()
    helpers.connect(client_for(manager), helpers.UK_REALM)
    connection = Connection.objects.select_related("organisation").get(organisation=organisation)
    helpers.map_everything(connection)
    for tax in TaxCategory.objects.filter(organisation=organisation):
        AccountMapping.objects.filter(
            connection=connection, kind=AccountMapping.Kind.TAX, local_id=tax.pk
        ).update(remote_code=TAX_CODES[tax.rate.normalize()])

    start, first = reconcile_demo.sync_from_after_the_oldest(connection)

    assert not first.errors, first.errors
    expected = {i.pk for i in reconcile_demo.issued(organisation) if i.issue_date >= start}
    assert reconcile_demo.pushed(connection) == expected
    rows = reconcile_demo.reconciled(connection)
    assert {row.local_id for row in rows} == expected
    reconcile_demo.assert_equal_field_by_field(rows)
