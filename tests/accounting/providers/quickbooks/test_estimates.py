"""Approved quotes reach QuickBooks as Estimates, over real HTTP through the sandbox."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from accounting.models import AccountMapping, Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Quote
from sandbox.quickbooks import books, writes
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.store import Books, lock
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants


def make_quote(tenants: Tenants, *, approve: bool = True) -> Quote:
    customer = factories.make_customer(tenants.alpha, name="Pier Events LLC", currency="USD")
    quote = services.create_quote(
        customer,
        [factories.line(tenants.alpha, "100.00", quantity="2")],
        expiry_date=date.today() + timedelta(days=14),
    )
    return services.approve_quote(quote) if approve else quote


def estimate_of(quote: Quote) -> dict[str, object]:
    ref = ExternalRef.objects.get(entity=Entity.QUOTE, local_id=quote.pk)
    return books.entity_json(helpers.US_REALM, "Estimate", ref.remote_id)


def item_lines(remote: dict[str, object]) -> list[dict[str, object]]:
    lines = remote["Line"]
    assert isinstance(lines, list)
    return [line for line in lines if line["DetailType"] == "SalesItemLineDetail"]


def test_an_approved_quote_becomes_an_accepted_estimate_with_its_lines(
    connected: Connection, tenants: Tenants
) -> None:
    quote = make_quote(tenants)
    draft = make_quote(tenants, approve=False)
    helpers.map_everything(connected)
    income = AccountMapping.objects.get(kind=AccountMapping.Kind.INCOME).remote_code

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    remote = estimate_of(quote)
    assert remote["DocNumber"] == quote.number
    assert remote["TxnStatus"] == "Accepted"
    assert remote["TxnDate"] == quote.issue_date.isoformat()
    assert remote["ExpirationDate"] == quote.expiry_date.isoformat()  # type: ignore[union-attr]
    customer = ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=quote.customer_id)
    assert remote["CustomerRef"]["value"] == customer.remote_id  # type: ignore[index]
    [line] = item_lines(remote)
    assert line["Amount"] == 200 and line["Description"] == "Hire"
    detail = line["SalesItemLineDetail"]
    assert detail["Qty"] == 2 and detail["UnitPrice"] == 100  # type: ignore[index]
    sold_through = helpers.service_item(helpers.US_REALM, income)
    assert detail["ItemRef"]["value"] == sold_through["Id"]  # type: ignore[index]
    assert detail["TaxCodeRef"]["value"] == "TAX"  # type: ignore[index]
    # The draft stays in Patchbay.
    numbers = [row.data.get("DocNumber") for row in books.estimates_of(helpers.US_REALM)]
    assert numbers.count(quote.number) == 1 and draft.number not in numbers
    assert not ExternalRef.objects.filter(entity=Entity.QUOTE, local_id=draft.pk).exists()


def test_a_second_sync_with_nothing_changed_pushes_no_estimate(
    connected: Connection, tenants: Tenants
) -> None:
    make_quote(tenants)
    helpers.map_everything(connected)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED

    second = sync(connected)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    assert second.counts.get("created", 0) == 0 and second.counts.get("updated", 0) == 0
    assert not AuditEntry.objects.filter(run=second, direction="push").exists()
    assert len(books.estimates_of(helpers.US_REALM)) == 1


def test_an_amended_approved_quote_updates_its_estimate_with_the_sync_token(
    connected: Connection, tenants: Tenants
) -> None:
    quote = make_quote(tenants)
    helpers.map_everything(connected)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    ref = ExternalRef.objects.get(entity=Entity.QUOTE, local_id=quote.pk)
    before = estimate_of(quote)
    quote.lines.update(unit_price=Decimal("150.00"))

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert run.counts.get("updated") == 1 and run.counts.get("created", 0) == 0
    after = estimate_of(quote)
    assert after["Id"] == before["Id"]
    assert int(str(after["SyncToken"])) == int(str(before["SyncToken"])) + 1
    assert [line["Amount"] for line in item_lines(after)] == [300]
    assert after["TxnStatus"] == "Accepted"
    ref.refresh_from_db()
    assert (ref.state, ref.remote_version) == (ExternalRef.State.LINKED, after["SyncToken"])
    assert len(books.estimates_of(helpers.US_REALM)) == 1


def test_a_bookkeepers_edit_of_an_estimate_line_is_a_conflict_not_overwritten(
    connected: Connection, tenants: Tenants
) -> None:
    quote = make_quote(tenants)
    helpers.map_everything(connected)
    assert sync(connected).status == SyncRun.Status.SUCCEEDED
    remote = estimate_of(quote)
    edited = [dict(line) for line in item_lines(remote)]
    edited[0]["Description"] = "Hire, agreed by phone"
    with transaction.atomic():  # the bookkeeper rewords the line in QuickBooks
        writes.write(
            Books(lock(books.company(helpers.US_REALM))),
            BY_NAME["Estimate"],
            {"Id": remote["Id"], "SyncToken": remote["SyncToken"], "sparse": True, "Line": edited},
        )
    quote.lines.update(unit_price=Decimal("150.00"))

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert ExternalRef.objects.get(entity=Entity.QUOTE).state == ExternalRef.State.CONFLICT
    [line] = item_lines(estimate_of(quote))
    assert (line["Description"], line["Amount"]) == ("Hire, agreed by phone", 200)
