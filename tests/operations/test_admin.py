from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from operations.models import IncomeCategory, Invoice, Project, TaxCategory
from tests import factories
from tests.conftest import Tenants, client_for

OPERATIONS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "operations"),
    key=lambda model: model.__name__,
)


def _url(model: type[Model], action: str, *args: Any) -> str:
    return reverse(f"admin:operations_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def staff(tenants: Tenants) -> Client:
    return client_for(factories.make_superuser())


@pytest.fixture
def records(tenants: Tenants) -> dict[type[Model], Model]:
    made = factories.make_every_record(tenants.alpha, "ALPHA", tenants.crew)
    factories.make_every_record(tenants.bravo, "BRAVO", tenants.outsider)
    return {type(record): record for record in made.values()}


def test_every_operations_model_has_an_admin() -> None:
    names = {model.__name__ for model in OPERATIONS_MODELS}
    assert names == {
        "Booking",
        "CreditNote",
        "CrewAssignment",
        "Customer",
        "EquipmentCategory",
        "EquipmentItem",
        "ExpenseCategory",
        "IncomeCategory",
        "Invoice",
        "Payment",
        "Project",
        "Quote",
        "TaxCategory",
    }


@pytest.mark.parametrize("model", OPERATIONS_MODELS, ids=lambda model: model.__name__)
def test_changelist_search_filter_and_change_page_render(
    staff: Client, records: dict[type[Model], Model], model: type[Model]
) -> None:
    record = records[model]
    organisation_id = record.organisation_id  # type: ignore[attr-defined]
    assert staff.get(_url(model, "changelist")).status_code == 200
    assert staff.get(_url(model, "changelist"), {"q": "ALPHA"}).status_code == 200
    filtered = staff.get(_url(model, "changelist"), {"organisation__id__exact": organisation_id})
    assert filtered.status_code == 200
    assert "?e=1" not in filtered.get("Location", "")  # an unknown filter redirects with e=1
    assert staff.get(_url(model, "change", record.pk)).status_code == 200


@pytest.mark.parametrize("model", OPERATIONS_MODELS, ids=lambda model: model.__name__)
def test_add_page_renders_or_is_refused_on_purpose(staff: Client, model: type[Model]) -> None:
    expected = 403 if model.__name__ == "Payment" else 200
    assert staff.get(_url(model, "add")).status_code == expected


def test_changelist_query_count_does_not_grow_with_rows(
    staff: Client, tenants: Tenants, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        factories.make_invoice(tenants.alpha)
    staff.get(_url(Invoice, "changelist"))
    with django_assert_max_num_queries(20):
        staff.get(_url(Invoice, "changelist"))
    for _ in range(40):
        factories.make_invoice(tenants.alpha)
    with django_assert_max_num_queries(20):
        staff.get(_url(Invoice, "changelist"))


def test_issue_action_uses_the_service(staff: Client, tenants: Tenants) -> None:
    draft = factories.make_invoice(tenants.alpha)
    empty = factories.make_invoice(tenants.alpha, lines=0)
    response = staff.post(
        _url(Invoice, "changelist"),
        {"action": "issue", "_selected_action": [draft.pk, empty.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    empty.refresh_from_db()
    assert (draft.number, draft.status) == ("INV-0001", Invoice.Status.ISSUED)
    assert empty.status == Invoice.Status.DRAFT
    assert "has no lines" in response.content.decode()
    assert "1 invoice(s) issued." in response.content.decode()


def test_admin_refuses_to_join_records_of_two_organisations(
    staff: Client, tenants: Tenants
) -> None:
    foreign_client = factories.make_customer(tenants.bravo)
    response = staff.post(
        _url(Project, "add"),
        {
            "organisation": tenants.alpha.pk,
            "name": "Mixed up",
            "client": foreign_client.pk,
            "venue": "",
            "starts_at_0": "2025-03-01",
            "starts_at_1": "09:00",
            "ends_at_0": "2025-03-02",
            "ends_at_1": "18:00",
            "notes": "",
            "status": "enquiry",
        },
    )
    assert response.status_code == 200
    assert "Choose one of Alpha Hire" in response.content.decode()
    assert not Project.objects.filter(name="Mixed up").exists()


def test_tenant_users_cannot_open_the_admin(tenants: Tenants) -> None:
    response = client_for(tenants.owner).get(_url(Invoice, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_adding_a_draft_with_lines_gives_lines_its_organisation_and_totals(
    staff: Client, tenants: Tenants
) -> None:
    org = tenants.alpha
    customer = factories.make_customer(org)
    tax, income = factories.make_tax(org), factories.make_income(org)
    management = {
        f"{prefix}-{name}": value
        for prefix in ("lines", "payments")
        for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }
    response = staff.post(
        _url(Invoice, "add"),
        management
        | {
            "organisation": org.pk,
            "customer": customer.pk,
            "project": "",
            "currency": "GBP",
            "issue_date": "2025-03-01",
            "due_date": "2025-03-31",
            "lines-TOTAL_FORMS": "1",
            "lines-0-description": "Stage wash",
            "lines-0-item": "",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "50.00",
            "lines-0-tax_category": tax.pk,
            "lines-0-income_category": income.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    invoice = Invoice.objects.get()
    assert invoice.lines.get().organisation_id == org.pk
    assert invoice.total == invoice.amount_due == Decimal("120.00")
    assert (invoice.status, invoice.number) == (Invoice.Status.DRAFT, "")


def test_line_of_another_organisation_is_refused_in_the_admin(
    staff: Client, tenants: Tenants
) -> None:
    invoice = factories.make_invoice(tenants.alpha, lines=0)
    foreign_tax = factories.make_tax(tenants.bravo)
    response = staff.post(
        _url(Invoice, "change", invoice.pk),
        {
            "organisation": tenants.alpha.pk,
            "customer": invoice.customer_id,
            "project": "",
            "currency": "GBP",
            "issue_date": "2025-03-01",
            "due_date": "2025-03-31",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Sneaky",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "5.00",
            "lines-0-tax_category": foreign_tax.pk,
            "lines-0-income_category": IncomeCategory.objects.get(organisation=tenants.alpha).pk,
            "payments-TOTAL_FORMS": "0",
            "payments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Choose a record of the document&#x27;s organisation." in response.content.decode()
    assert not invoice.lines.exists()


def test_lines_too_large_together_are_refused_in_the_admin(staff: Client, tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha, lines=0)
    income = IncomeCategory.objects.get(organisation=tenants.alpha)
    tax = TaxCategory.objects.get(organisation=tenants.alpha)  # 20%
    line = {"quantity": "1", "unit_price": "600000000000.00", "item": ""}
    data = {
        "organisation": tenants.alpha.pk,
        "customer": invoice.customer_id,
        "project": "",
        "currency": "GBP",
        "issue_date": "2025-03-01",
        "due_date": "2025-03-31",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
    }
    for index in range(2):
        data |= {f"lines-{index}-{name}": value for name, value in line.items()}
        data |= {
            f"lines-{index}-description": f"Half {index}",
            f"lines-{index}-tax_category": tax.pk,
            f"lines-{index}-income_category": income.pk,
        }
    response = staff.post(_url(Invoice, "change", invoice.pk), data)
    assert response.status_code == 200
    assert "The lines of this invoice come to 1,440,000,000,000.00" in response.content.decode()
    assert not invoice.lines.exists()
