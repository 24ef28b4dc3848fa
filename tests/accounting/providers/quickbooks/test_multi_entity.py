"""Two legal entities, two QuickBooks companies: each company holds exactly its own
entity's records, and nothing of one entity ever reaches the other's company."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import Entity, ExternalRef
from integrations.models import Connection, OAuthState, SyncRun
from operations import services
from operations.models import CreditNote, Customer, Invoice, LegalEntity, Payment
from sandbox.quickbooks import books
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for


def entity_records(tenants: Tenants, entity: LegalEntity, count: int) -> list[Invoice]:
    invoices = []
    for n in range(count):
        customer = services.create_customer(
            tenants.alpha,
            name=f"{entity.name} customer {n}",
            email=f"c{n}@{entity.base_currency.lower()}.test",
            currency=entity.base_currency,
            legal_entity=entity,
        )
        invoices.append(factories.make_issued_invoice(tenants.alpha, customer))
    return invoices


def test_each_company_holds_exactly_its_own_entitys_records(
    quickbooks_sandbox: str, tenants: Tenants
) -> None:
    us = LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha Hire Inc", base_currency="USD"
    )
    uk = LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha Hire Ltd", base_currency="GBP"
    )
    us_invoices = entity_records(tenants, us, 3)
    uk_invoices = entity_records(tenants, uk, 2)
    note = factories.make_issued_credit_note(tenants.alpha, uk_invoices[0])
    assert {i.legal_entity_id for i in us_invoices} == {us.pk}  # taken from the customer
    assert note.legal_entity_id == uk.pk
    owner = client_for(tenants.owner)

    helpers.connect(owner, helpers.US_REALM, legal_entity=us.pk)
    helpers.connect(owner, helpers.UK_REALM, legal_entity=uk.pk)
    us_connection = helpers.connection_for(helpers.US_REALM)
    uk_connection = helpers.connection_for(helpers.UK_REALM)
    assert (us_connection.legal_entity_id, uk_connection.legal_entity_id) == (us.pk, uk.pk)
    page = owner.get("/settings/integrations/").content.decode()
    assert "Harbour Hire Co" in page and "for Alpha Hire Inc" in page
    assert "Canal Side Hire Ltd" in page and "for Alpha Hire Ltd" in page
    seeded_us = {r.data["DisplayName"] for r in books.customers_of(helpers.US_REALM)}
    seeded_uk = {r.data["DisplayName"] for r in books.customers_of(helpers.UK_REALM)}
    helpers.map_everything(us_connection)
    helpers.map_everything(uk_connection)

    for connection in (us_connection, uk_connection, us_connection, uk_connection):
        run = sync(connection)
        assert run.status == SyncRun.Status.SUCCEEDED, run.errors

    def doc_numbers(realm: str) -> set[str]:
        return {str(row.data.get("DocNumber")) for row in books.invoices_of(realm)}

    assert {i.number for i in us_invoices} <= doc_numbers(helpers.US_REALM)
    assert {i.number for i in uk_invoices} <= doc_numbers(helpers.UK_REALM)
    assert not {i.number for i in uk_invoices} & doc_numbers(helpers.US_REALM)
    assert not {i.number for i in us_invoices} & doc_numbers(helpers.UK_REALM)
    pushed_us = {r.data["DisplayName"] for r in books.customers_of(helpers.US_REALM)} - seeded_us
    pushed_uk = {r.data["DisplayName"] for r in books.customers_of(helpers.UK_REALM)} - seeded_uk
    assert pushed_us == {f"Alpha Hire Inc customer {n}" for n in range(3)}
    assert pushed_uk == {f"Alpha Hire Ltd customer {n}" for n in range(2)}
    credit_memos = [
        row.data.get("DocNumber")
        for realm in (helpers.US_REALM, helpers.UK_REALM)
        for row in books._rows(realm, "CreditMemo")
    ]
    assert credit_memos.count(note.number) == 1
    assert note.number in {
        row.data.get("DocNumber") for row in books._rows(helpers.UK_REALM, "CreditMemo")
    }
    # Customers each ledger had of its own came in under that ledger's entity only.
    for name in seeded_us:
        assert set(
            Customer.objects.filter(name=name).values_list("legal_entity_id", flat=True)
        ) <= {us.pk}
    for name in seeded_uk:
        assert set(
            Customer.objects.filter(name=name).values_list("legal_entity_id", flat=True)
        ) <= {uk.pk}
    # Every link of a connection points at a record of its own entity.
    models: dict[str, type[Customer | Invoice | CreditNote]] = {
        Entity.CUSTOMER: Customer,
        Entity.INVOICE: Invoice,
        Entity.CREDIT_NOTE: CreditNote,
    }
    for connection, entity in ((us_connection, us), (uk_connection, uk)):
        for kind, model in models.items():
            linked = ExternalRef.objects.filter(connection=connection, entity=kind).values_list(
                "local_id", flat=True
            )
            rows = model._default_manager.filter(pk__in=list(linked))
            owners = {row.legal_entity_id for row in rows}
            assert owners <= {entity.pk}, (connection, kind, owners)

    # A payment in one company comes back to that entity's invoice only.
    remote_id = ExternalRef.objects.get(
        connection=uk_connection, entity=Entity.INVOICE, local_id=uk_invoices[1].pk
    ).remote_id
    books.record_payment(helpers.UK_REALM, remote_id, "30.00")
    sync(us_connection)
    assert not Payment.objects.exists()
    sync(uk_connection)
    payment = Payment.objects.get()
    assert (payment.invoice_id, payment.legal_entity_id, payment.amount) == (
        uk_invoices[1].pk,
        uk.pk,
        Decimal("30.00"),
    )


def test_a_company_serves_one_entity_and_an_entity_one_company(
    quickbooks_sandbox: str, tenants: Tenants
) -> None:
    us = LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha Hire Inc", base_currency="USD"
    )
    uk = LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha Hire Ltd", base_currency="GBP"
    )
    owner = client_for(tenants.owner)

    refused = owner.post(helpers.CONNECT, {})  # no entity chosen: refused before Intuit
    assert refused["Location"] == "/settings/integrations/"
    assert not OAuthState.objects.exists()
    helpers.connect(owner, helpers.US_REALM, legal_entity=us.pk)
    helpers.connect(owner, helpers.US_REALM, legal_entity=uk.pk)  # the same company again
    assert list(Connection.objects.values_list("remote_id", "legal_entity_id")) == [
        (helpers.US_REALM, us.pk)
    ]
    owner.post(helpers.CONNECT, {"legal_entity": str(us.pk)})  # an entity already connected
    assert OAuthState.objects.count() == 2
