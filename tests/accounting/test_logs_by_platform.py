"""The sync logs show one platform at a time when asked and always say which platform a
row is, and they name records by their Patchbay number, never by a database id."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounting import resolve
from accounting.models import Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection, SyncRun
from tests import factories
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_grant


@pytest.fixture
def ledgers(tenants: Tenants) -> tuple[Connection, Connection]:
    xero = make_connection(tenants.alpha)
    quickbooks = make_connection(
        tenants.alpha,
        make_grant(tenants.alpha, provider="quickbooks", subject="intuit-user-1"),
        provider="quickbooks",
        remote_id="9130",
        remote_name="Sandbox Company_US_1",
        remote_connection_id="",
    )
    return xero, quickbooks


def run_of(connection: Connection, **extra: object) -> SyncRun:
    return SyncRun.objects.create(
        organisation=connection.organisation,
        connection=connection,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.PARTIAL,
        lease_expires_at=timezone.now(),
        **extra,
    )


def page(client: Client, name: str, **query: int) -> str:
    response = client.get(reverse(f"accounting:{name}"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_runs_show_their_platform_and_filter_by_it(
    ledgers: tuple[Connection, Connection], tenants: Tenants
) -> None:
    xero, quickbooks = ledgers
    invoice = factories.make_issued_invoice(tenants.alpha)
    run_of(xero, errors=[{"message": "Xero said no", "entity": "invoice", "local_id": invoice.pk}])
    run_of(quickbooks, errors=[{"message": "Intuit said no"}])
    client = client_for(tenants.bookkeeper)

    both = page(client, "runs")
    assert "Xero · Demo Company (UK)" in both and "QuickBooks Online · Sandbox Company_US_1" in both
    link = reverse("operations:invoice_detail", args=[invoice.pk])
    assert f'<a href="{link}">{invoice.number}</a>: Xero said no' in both
    assert f"invoice {invoice.pk}" not in both

    only_xero = page(client, "runs", connection=xero.pk)
    assert "Xero said no" in only_xero and "Intuit said no" not in only_xero


def test_the_audit_log_filters_by_platform_and_names_records_by_number(
    ledgers: tuple[Connection, Connection], tenants: Tenants
) -> None:
    quickbooks = ledgers[1]
    invoices = [factories.make_issued_invoice(tenants.alpha) for _ in range(2)]
    for connection in ledgers:
        AuditEntry.objects.create(
            organisation=tenants.alpha,
            connection=connection,
            direction="push",
            entity=Entity.INVOICE,
            local_ids=[i.pk for i in invoices],
            method="PUT",
            url=f"https://example.test/{connection.provider}",
            outcome=AuditEntry.Outcome.CREATED,
        )
    client = client_for(tenants.bookkeeper)

    log = page(client, "audit_log", connection=quickbooks.pk)

    assert f"{invoices[0].number}, {invoices[1].number}" in log
    assert log.count("https://example.test/") == 1 and "example.test/quickbooks" in log
    assert "QuickBooks Online · Sandbox Company_US_1" in log


def test_a_resolved_match_names_the_record_it_was_linked_to(
    ledgers: tuple[Connection, Connection], tenants: Tenants
) -> None:
    xero, quickbooks = ledgers
    customers = [factories.make_customer(tenants.alpha, "Harbour Lights") for _ in range(2)]
    review = Review.objects.create(
        organisation=tenants.alpha,
        connection=xero,
        kind=Review.Kind.MATCH,
        entity=Entity.CUSTOMER,
        remote_id="contact-1",
        ledger_version={"name": "Harbour Lights"},
        ledger_record={"ContactID": "contact-1", "Name": "Harbour Lights"},
        candidates=[c.pk for c in customers],
    )
    Review.objects.create(
        organisation=tenants.alpha,
        connection=quickbooks,
        kind=Review.Kind.MATCH,
        entity=Entity.CUSTOMER,
        remote_id="58",
        ledger_version={"name": "Intuit's own"},
        candidates=[c.pk for c in customers],
    )
    client = client_for(tenants.bookkeeper)

    only_xero = page(client, "reviews", connection=xero.pk)
    assert "Xero · Demo Company (UK) · contact-1" in only_xero and "Intuit" not in only_xero

    review.local_id = None
    resolve._close(review, Review.Resolution.LINKED, tenants.bookkeeper, customers[1].pk)
    resolved = page(client, "reviews", connection=xero.pk)
    assert "Customer Harbour Lights" in resolved
    review.refresh_from_db()
    assert review.local_id == customers[1].pk


def test_a_calendar_run_is_not_an_accounting_run(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha, provider="google-calendar", subject="crew-1")
    calendar = make_connection(tenants.alpha, grant, provider="google-calendar", remote_name="crew")
    run_of(calendar, errors=[{"message": "calendar trouble"}])
    assert "calendar trouble" not in page(client_for(tenants.bookkeeper), "runs")


def test_the_reconciliation_splits_failed_from_review_and_filters_by_platform(
    ledgers: tuple[Connection, Connection], tenants: Tenants
) -> None:
    xero, quickbooks = ledgers
    invoice = factories.make_issued_invoice(tenants.alpha)
    customer = factories.make_customer(tenants.alpha, "Harbour Lights")
    common = {"organisation": tenants.alpha}
    ExternalRef.objects.create(
        **common,
        connection=xero,
        entity=Entity.INVOICE,
        local_id=invoice.pk,
        state=ExternalRef.State.ERROR,
        last_error="Account code '999' is not a valid code",
    )
    for connection in ledgers:  # the same customer once per connection
        ExternalRef.objects.create(
            **common,
            connection=connection,
            entity=Entity.CUSTOMER,
            local_id=customer.pk,
            remote_id=f"{connection.provider}-1",
            state=ExternalRef.State.LINKED,
        )
    ExternalRef.objects.filter(connection=quickbooks, entity=Entity.CUSTOMER).update(
        state=ExternalRef.State.CONFLICT
    )
    Review.objects.create(
        **common,
        connection=quickbooks,
        kind=Review.Kind.CONFLICT,
        entity=Entity.CUSTOMER,
        local_id=customer.pk,
        remote_id="quickbooks-1",
        ledger_version={"name": "Harbour Lights Ltd"},
    )
    client = client_for(tenants.bookkeeper)

    report = client.get(reverse("accounting:reconciliation")).context["report"]

    assert [(r.label, r.platform) for r in report.failed] == [
        (invoice.number, "Xero · Demo Company (UK)")
    ]
    assert [(r.label, r.platform) for r in report.needs_review] == [
        ("Harbour Lights", "QuickBooks Online · Sandbox Company_US_1")
    ]
    assert "Harbour Lights" in page(client, "reviews")  # the reviews page agrees
    only_xero = client.get(reverse("accounting:reconciliation"), {"connection": xero.pk})
    assert only_xero.context["report"].needs_review == []
    assert [r.platform for r in only_xero.context["report"].synced] == ["Xero · Demo Company (UK)"]
    csv_text = client.get(
        reverse("accounting:reconciliation"), {"format": "csv", "connection": str(xero.pk)}
    ).content.decode()
    header = csv_text.splitlines()[0]
    assert header.startswith("section,platform,record")
    assert "failed,Xero · Demo Company (UK),invoice" in csv_text
    assert "QuickBooks" not in csv_text
