"""Multi-currency: a customer and its invoices in a foreign currency, in a QuickBooks
company with multicurrency on (the UK demo company, GBP with EUR and USD). Patchbay sends
the currency; QuickBooks applies its own exchange rate for the day, as it does when a
bookkeeper types the invoice. A company without multicurrency refuses, and says so."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import Entity, ExternalRef
from integrations.models import Connection, SyncRun
from operations.models import Invoice
from sandbox.quickbooks import books
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for


def test_a_euro_invoice_carries_its_currency_and_quickbooks_rate_and_a_euro_payment_returns(
    quickbooks_sandbox: str, tenants: Tenants
) -> None:
    helpers.connect(client_for(tenants.owner), helpers.UK_REALM)
    connection = helpers.connection_for(helpers.UK_REALM)
    customer = factories.make_customer(tenants.alpha, name="Lumière Films SAS", currency="EUR")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    Invoice.objects.filter(pk=invoice.pk).update(currency="EUR")
    helpers.map_everything(connection)

    first = sync(connection)

    assert first.status == SyncRun.Status.SUCCEEDED, first.errors
    contact = books.entity_json(
        helpers.UK_REALM,
        "Customer",
        ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=customer.pk).remote_id,
    )
    assert contact["CurrencyRef"]["value"] == "EUR"
    remote = books.invoice_json(helpers.UK_REALM, invoice.number)
    assert remote["CurrencyRef"]["value"] == "EUR"
    rate = Decimal(str(remote["ExchangeRate"]))
    assert rate not in (Decimal(0), Decimal(1))  # the company's EUR rate, not a default
    home_total = Decimal(str(remote["HomeTotalAmt"]))
    assert home_total == (Decimal(str(remote["TotalAmt"])) * rate).quantize(Decimal("0.01"))

    books.record_payment(helpers.UK_REALM, remote["Id"], "40.00", reference="SEPA-7")
    second = sync(connection)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.amount_due == invoice.total - Decimal("40.00")  # in euros, as invoiced


def test_a_company_without_multicurrency_refuses_a_foreign_customer_and_says_so(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Lumière Films SAS", currency="EUR")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    helpers.map_everything(connected)

    run = sync(connected)

    assert run.status == SyncRun.Status.PARTIAL
    ref = ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=customer.pk)
    assert ref.state == ExternalRef.State.ERROR
    assert "multicurrency is not enabled" in ref.last_error
    # Its invoice waits for the customer: nothing reaches QuickBooks half-made.
    assert not ExternalRef.objects.filter(entity=Entity.INVOICE).exists()
    numbers = {row.data.get("DocNumber") for row in books.invoices_of(helpers.US_REALM)}
    assert invoice.number not in numbers
