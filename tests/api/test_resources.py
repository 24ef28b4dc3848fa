"""The resources: lists, filters, writes through the services, and their errors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from operations.models import Booking, Customer, Project
from tests import factories
from tests.api.helpers import api, make_key
from tests.conftest import Tenants
from webhooks.models import Event


def _client(tenants: Tenants) -> object:
    return api(make_key(tenants.alpha)[1])


def test_lists_are_paginated_and_page_size_is_capped(tenants: Tenants) -> None:
    for index in range(3):
        factories.make_customer(tenants.alpha, name=f"Customer {index}")
    client = _client(tenants)
    page = client.get("/api/v1/customers/?page_size=2").json()  # type: ignore[attr-defined]
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert client.get("/api/v1/customers/?page_size=1000").status_code == 200  # type: ignore[attr-defined]


def test_updated_since_returns_only_what_changed_oldest_first(tenants: Tenants) -> None:
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=2), tick=False):
        factories.make_customer(tenants.alpha, name="Old")
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        factories.make_customer(tenants.alpha, name="Newer")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        factories.make_customer(tenants.alpha, name="Newest")
    client = _client(tenants)
    since = (start - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    rows = client.get("/api/v1/customers/", {"updated_since": since}).json()["results"]  # type: ignore[attr-defined]
    assert [row["name"] for row in rows] == ["Newer", "Newest"]


def test_an_invalid_filter_is_a_400_naming_the_field(tenants: Tenants) -> None:
    response = _client(tenants).get("/api/v1/invoices/?updated_since=yesterday")  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]


def test_creating_a_customer_goes_through_the_service_and_emits_its_event(
    tenants: Tenants,
) -> None:
    response = _client(tenants).post(  # type: ignore[attr-defined]
        "/api/v1/customers/", {"name": "Harbour Lights", "currency": "EUR"}, format="json"
    )
    assert response.status_code == 201
    customer = Customer.objects.get(pk=response.json()["id"])
    assert (customer.organisation, customer.currency) == (tenants.alpha, "EUR")
    assert Event.objects.filter(type="customer.created", organisation=tenants.alpha).count() == 1


def test_invalid_fields_are_a_400_with_each_fields_messages(tenants: Tenants) -> None:
    response = _client(tenants).post(  # type: ignore[attr-defined]
        "/api/v1/customers/", {"email": "not-an-email", "currency": "pounds"}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"name", "email", "currency"}


def test_malformed_json_is_a_400_problem(tenants: Tenants) -> None:
    client = _client(tenants)
    for body in (b'{"name": ', b'{"name": "\\ud800"}'):
        response = client.post(  # type: ignore[attr-defined]
            "/api/v1/customers/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["type"].endswith("#problem-malformed-json")


def test_patching_a_customer_changes_only_what_is_sent(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha, name="Before")
    response = _client(tenants).patch(  # type: ignore[attr-defined]
        f"/api/v1/customers/{customer.pk}/", {"name": "After"}, format="json"
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.name == "After"


def test_a_quote_is_created_with_lines_then_approved_once(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    tax, income = factories.make_tax(tenants.alpha), factories.make_income(tenants.alpha)
    client = _client(tenants)
    created = client.post(  # type: ignore[attr-defined]
        "/api/v1/quotes/",
        {
            "customer": customer.pk,
            "lines": [
                {
                    "description": "PA hire",
                    "unit_price": "250.00",
                    "quantity": "2",
                    "tax_category": tax.pk,
                    "income_category": income.pk,
                },
            ],
        },
        format="json",
    )
    assert created.status_code == 201
    quote = created.json()
    assert (quote["number"], quote["total"]) == ("QU-0001", "600.00")
    approve = f"/api/v1/quotes/{quote['id']}/approve/"
    assert client.post(approve).json()["status"] == "approved"  # type: ignore[attr-defined]
    again = client.post(approve)  # type: ignore[attr-defined]
    assert again.status_code == 409
    assert Event.objects.filter(type="quote.approved").count() == 1


def test_quote_lines_can_only_refer_to_the_callers_records(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    foreign_tax = factories.make_tax(tenants.bravo)
    income = factories.make_income(tenants.alpha)
    response = _client(tenants).post(  # type: ignore[attr-defined]
        "/api/v1/quotes/",
        {
            "customer": customer.pk,
            "lines": [
                {
                    "description": "x",
                    "unit_price": "1",
                    "tax_category": foreign_tax.pk,
                    "income_category": income.pk,
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "lines[0].tax_category" in response.json()["errors"]


def test_a_project_status_change_emits_its_event_with_the_previous_status(
    tenants: Tenants,
) -> None:
    project = factories.make_project(tenants.alpha, factories.make_customer(tenants.alpha))
    client = _client(tenants)
    response = client.patch(  # type: ignore[attr-defined]
        f"/api/v1/projects/{project.pk}/", {"status": "confirmed"}, format="json"
    )
    assert response.status_code == 200
    event = Event.objects.get(type="project.status_changed")
    assert '"previous_status":"enquiry"' in event.body
    assert '"status":"confirmed"' in event.body
    renamed = client.patch(f"/api/v1/projects/{project.pk}/", {"venue": "Pier"}, format="json")  # type: ignore[attr-defined]
    assert renamed.status_code == 200
    assert Event.objects.filter(type="project.status_changed").count() == 1


def test_a_project_cannot_end_before_it_starts(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    start = timezone.now()
    response = _client(tenants).post(  # type: ignore[attr-defined]
        "/api/v1/projects/",
        {
            "name": "Gala",
            "client": customer.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]
    assert not Project.objects.exists()


def test_availability_counts_bookings_day_by_day(tenants: Tenants) -> None:
    item = factories.make_item(tenants.alpha)  # 4 in stock
    first = date(2026, 6, 1)
    Booking.objects.create(
        organisation=tenants.alpha,
        item=item,
        quantity=3,
        starts_on=first,
        ends_on=first + timedelta(days=1),
    )
    response = _client(tenants).get(  # type: ignore[attr-defined]
        f"/api/v1/equipment/{item.pk}/availability/", {"start": "2026-06-01", "end": "2026-06-03"}
    )
    assert response.status_code == 200
    days = [(d["date"], d["booked"], d["available"]) for d in response.json()["days"]]
    assert days == [("2026-06-01", 3, 1), ("2026-06-02", 3, 1), ("2026-06-03", 0, 4)]


def test_ids_beyond_the_database_range_are_a_404_not_an_error(tenants: Tenants) -> None:
    client = _client(tenants)
    assert client.get(f"/api/v1/invoices/{10**30}/").status_code == 404  # type: ignore[attr-defined]
    unknown = client.get("/api/v1/no-such-thing/")  # type: ignore[attr-defined]
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"


def test_invoices_list_their_lines_and_amounts(tenants: Tenants) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, unit_price="100.00")
    row = _client(tenants).get(f"/api/v1/invoices/{invoice.pk}/").json()  # type: ignore[attr-defined]
    assert (row["number"], row["total"], row["status"]) == ("INV-0001", "120.00", "issued")
    assert Decimal(row["lines"][0]["net_amount"]) == Decimal("100.00")


def test_a_list_costs_the_same_queries_however_many_records_and_lines(tenants: Tenants) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(tenants)
    client.get("/api/v1/customers/")  # type: ignore[attr-defined]  # "last used" written here
    factories.make_issued_invoice(tenants.alpha)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/invoices/")  # type: ignore[attr-defined]
    for _ in range(4):
        factories.make_invoice(tenants.alpha, lines=3)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/invoices/")  # type: ignore[attr-defined]
    assert len(many) == len(few) == 4  # key, count, page, lines with their tax categories
