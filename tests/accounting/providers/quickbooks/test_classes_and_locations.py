"""Classes (per income category, on each line) and a location (per connection, on each
document's header) from the optional mappings, over real HTTP through the sandbox."""

from __future__ import annotations

from typing import Any

from accounting.engine.sync import adapter_for
from accounting.mappings import missing_mappings
from accounting.models import AccountMapping, Entity, ExternalRef
from integrations.models import Connection, SyncRun
from operations import services
from operations.models import IncomeCategory, TaxCategory
from sandbox.quickbooks import books
from sandbox.quickbooks.models import QboEntity
from tests import factories
from tests.accounting.choices import fetch_choices
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for

MAPPINGS = "/settings/accounting/mappings/"


def named(entity: str, name: str) -> str:
    row = QboEntity.objects.get(company__realm_id=helpers.US_REALM, entity=entity, data__Name=name)
    return row.entity_id


def map_tracking(connection: Connection, class_name: str, location_name: str) -> None:
    organisation = connection.organisation
    rows = [
        (AccountMapping.Kind.CLASS, category.pk, named("Class", class_name))
        for category in IncomeCategory.objects.filter(organisation=organisation)
    ]
    rows.append((AccountMapping.Kind.LOCATION, 0, named("Department", location_name)))
    for kind, local_id, code in rows:
        AccountMapping.objects.create(
            organisation=organisation,
            connection=connection,
            kind=kind,
            local_id=local_id,
            remote_code=code,
        )


def item_lines(remote: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]


def test_mapped_classes_go_on_every_line_and_the_location_on_every_header(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Dockside Live", currency="USD")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    note = factories.make_issued_credit_note(tenants.alpha, invoice)
    quote = services.approve_quote(
        services.create_quote(customer, [factories.line(tenants.alpha, "80.00")])
    )
    helpers.map_everything(connected)
    map_tracking(connected, "Hire", "North Depot")

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    documents = [
        books.invoice_json(helpers.US_REALM, invoice.number),
        books.entity_json(helpers.US_REALM, "CreditMemo", remote_id(Entity.CREDIT_NOTE, note.pk)),
        books.entity_json(helpers.US_REALM, "Estimate", remote_id(Entity.QUOTE, quote.pk)),
    ]
    for remote in documents:
        assert remote["DepartmentRef"] == {"value": named("Department", "North Depot")} | {
            "name": "North Depot"
        }
        classes = {line["SalesItemLineDetail"]["ClassRef"]["value"] for line in item_lines(remote)}
        assert classes == {named("Class", "Hire")}


def remote_id(entity: str, local_id: int) -> str:
    return ExternalRef.objects.get(entity=entity, local_id=local_id).remote_id


def test_a_changed_class_mapping_updates_the_pushed_invoice(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Dockside Live", currency="USD")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    helpers.map_everything(connected)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    before = books.invoice_json(helpers.US_REALM, invoice.number)
    assert "DepartmentRef" not in before
    assert all("ClassRef" not in line["SalesItemLineDetail"] for line in item_lines(before))
    map_tracking(connected, "Sales", "South Depot")

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert run.counts.get("updated") == 1
    after = books.invoice_json(helpers.US_REALM, invoice.number)
    assert after["DepartmentRef"]["value"] == named("Department", "South Depot")
    [line] = item_lines(after)
    assert line["SalesItemLineDetail"]["ClassRef"]["value"] == named("Class", "Sales")
    assert sync(connected).counts.get("updated", 0) == 0  # the fingerprint holds them now


def required_answers(connection: Connection) -> dict[str, str]:
    choices = adapter_for(connection, None).accounts()
    item = helpers.income_choice(choices)
    deposit = next(c for c in choices if c.accepts_payments and "Undeposited" in c.name)
    organisation = connection.organisation
    answers = {
        f"income-{c.pk}": item.code
        for c in IncomeCategory.objects.filter(organisation=organisation)
    }
    answers |= {f"tax-{t.pk}": "TAX" for t in TaxCategory.objects.filter(organisation=organisation)}
    return answers | {"payment_account-0": deposit.code}


def test_the_mappings_page_offers_classes_and_locations_and_both_may_stay_empty(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    category = IncomeCategory.objects.get(organisation=tenants.alpha)
    client = client_for(tenants.owner)

    fetch_choices(connected)
    page = client.get(MAPPINGS).content.decode()

    assert f'name="class-{category.pk}"' in page and 'name="location-0"' in page
    assert "Hire" in page and "North Depot" in page and "South Depot" in page
    assert not any("class" in item or "location" in item for item in missing_mappings(connected))
    answers = required_answers(connected)
    assert (
        client.post(MAPPINGS, answers | {f"class-{category.pk}": "", "location-0": ""}).status_code
        == 302
    )
    kinds = set(AccountMapping.objects.values_list("kind", flat=True))
    assert kinds == {"income", "tax", "payment_account"}

    chosen = {
        f"class-{category.pk}": named("Class", "Hire"),
        "location-0": named("Department", "North Depot"),
    }
    assert client.post(MAPPINGS, answers | chosen).status_code == 302
    location = AccountMapping.objects.get(kind=AccountMapping.Kind.LOCATION, local_id=0)
    assert (location.remote_code, location.remote_name) == (chosen["location-0"], "North Depot")
    assert AccountMapping.objects.get(kind=AccountMapping.Kind.CLASS).local_id == category.pk

    # Emptying them again removes the mappings; documents then go without.
    assert client.post(MAPPINGS, answers).status_code == 302
    assert not AccountMapping.objects.filter(kind__in=["class", "location"]).exists()
    assert client.post(MAPPINGS, answers | {"location-0": "no-such"}).status_code == 400
