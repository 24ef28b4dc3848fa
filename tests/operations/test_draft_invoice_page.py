from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from operations.models import Customer, IncomeCategory, Invoice, TaxCategory
from tests import factories
from tests.conftest import Tenants, client_for

NEW = reverse("operations:invoice_create")


@pytest.fixture
def books(tenants: Tenants) -> dict[str, object]:
    org = tenants.alpha
    return {
        "customer": factories.make_customer(org, "Riverside Festival", currency="EUR"),
        "tax": factories.make_tax(org),
        "income": factories.make_income(org),
        "item": factories.make_item(org, "Moving head"),
    }


def _post(books: dict[str, object], **overrides: str) -> dict[str, str]:
    data = {
        "customer": str(books["customer"].pk),  # type: ignore[attr-defined]
        "project": "",
        "issue_date": "2025-03-01",
        "due_date": "2025-03-31",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
    }
    for index in range(3):
        data |= {
            f"lines-{index}-description": "",
            f"lines-{index}-item": "",
            f"lines-{index}-quantity": "1",
            f"lines-{index}-unit_price": "",
            f"lines-{index}-tax_category": "",
            f"lines-{index}-income_category": "",
        }
    return data | overrides


def _line(books: dict[str, object], index: int, **fields: str) -> dict[str, str]:
    return {
        f"lines-{index}-tax_category": str(books["tax"].pk),  # type: ignore[attr-defined]
        f"lines-{index}-income_category": str(books["income"].pk),  # type: ignore[attr-defined]
        **{f"lines-{index}-{name}": value for name, value in fields.items()},
    }


def test_form_offers_only_the_current_organisations_customers(
    tenants: Tenants, books: dict[str, object]
) -> None:
    factories.make_customer(tenants.bravo, "Bravo Secret Client")
    response = client_for(tenants.owner).get(NEW)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Festival" in body
    assert "Bravo Secret Client" not in body
    assert body.count("<fieldset>") == 3


def test_saving_a_draft_with_two_lines_skips_blank_rows(
    tenants: Tenants, books: dict[str, object]
) -> None:
    data = _post(
        books,
        **_line(books, 0, description="Stage wash", quantity="2", unit_price="150.00"),
        **_line(books, 1, item=str(books["item"].pk), quantity="3", unit_price="45.00"),  # type: ignore[attr-defined]
    )
    response = client_for(tenants.bookkeeper).post(NEW, data)
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("operations:invoice_detail", kwargs={"pk": invoice.pk})
    assert (invoice.status, invoice.number, invoice.currency) == ("draft", "", "EUR")
    assert invoice.total == invoice.amount_due == Decimal("522.00")  # (300 + 135) * 1.2
    assert [line.label for line in invoice.lines.all()] == ["Stage wash", "Moving head"]
    assert invoice.organisation_id == tenants.alpha.pk


def test_a_draft_needs_at_least_one_line(tenants: Tenants, books: dict[str, object]) -> None:
    response = client_for(tenants.owner).post(NEW, _post(books))
    assert response.status_code == 400
    assert "Fill in at least one line." in response.content.decode()
    assert not Invoice.objects.exists()


def test_line_errors_sit_beside_their_fields_with_invoice_errors_at_once(
    tenants: Tenants, books: dict[str, object]
) -> None:
    data = _post(
        books,
        due_date="2025-02-01",
        **_line(books, 0, description="", quantity="abc", unit_price="-1"),
    )
    body = client_for(tenants.owner).post(NEW, data).content.decode()
    assert 'id="id_due_date_error">The due date cannot be before the issue date.' in body
    assert 'id="id_lines-0-quantity_error"' in body
    assert 'id="id_lines-0-unit_price_error"' in body
    assert 'id="id_lines-0-description_error">Describe the line or choose an item.' in body
    assert not Invoice.objects.exists()


def test_another_organisations_records_cannot_be_chosen(
    tenants: Tenants, books: dict[str, object]
) -> None:
    foreign_customer = factories.make_customer(tenants.bravo)
    foreign_tax = TaxCategory.objects.create(organisation=tenants.bravo, name="B", rate=1)
    data = _post(
        books,
        customer=str(foreign_customer.pk),
        **_line(books, 0, description="x", unit_price="1.00"),
    )
    data["lines-0-tax_category"] = str(foreign_tax.pk)
    response = client_for(tenants.owner).post(NEW, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_customer_error"' in body
    assert 'id="id_lines-0-tax_category_error"' in body
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"lines-TOTAL_FORMS": "abc"},
        {"lines-TOTAL_FORMS": "100000"},
        {"customer": "not-a-number"},
    ],
)
def test_tampered_form_data_gets_400_not_500(
    tenants: Tenants, books: dict[str, object], tampered: dict[str, str]
) -> None:
    data = _post(books, **_line(books, 0, description="x", unit_price="1.00")) | tampered
    response = client_for(tenants.owner).post(NEW, data)
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_missing_management_form_is_reported_not_a_crash(tenants: Tenants, books) -> None:
    response = client_for(tenants.owner).post(NEW, {"customer": books["customer"].pk})
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_organisation_without_customers_still_gets_the_form(tenants: Tenants) -> None:
    assert not Customer.objects.filter(organisation=tenants.alpha).exists()
    assert not IncomeCategory.objects.filter(organisation=tenants.alpha).exists()
    assert client_for(tenants.owner).get(NEW).status_code == 200


def test_a_line_too_large_to_total_gets_an_error_beside_its_unit_price(
    tenants: Tenants, books: dict[str, object]
) -> None:
    data = _post(
        books,
        **_line(
            books, 0, description="Arena", quantity="99999999.99", unit_price="999999999999.99"
        ),
    )
    response = client_for(tenants.owner).post(NEW, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_lines-0-unit_price_error">This line comes to' in body
    assert "999,999,999,999.99 a line can come to" in body
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "unit_price", "field"),
    [
        ("100000000", "1", "quantity"),
        ("1", "1000000000000", "unit_price"),
        ("1e400", "1", "quantity"),
        ("1", "NaN", "unit_price"),
    ],
)
def test_quantities_and_prices_out_of_bounds_get_an_error_beside_the_field(
    tenants: Tenants, books: dict[str, object], quantity: str, unit_price: str, field: str
) -> None:
    data = _post(
        books, **_line(books, 0, description="Arena", quantity=quantity, unit_price=unit_price)
    )
    response = client_for(tenants.owner).post(NEW, data)
    assert response.status_code == 400
    assert f'id="id_lines-0-{field}_error"' in response.content.decode()
    assert not Invoice.objects.exists()


def test_lines_that_fit_alone_but_not_together_get_an_error_above_the_lines(
    tenants: Tenants, books: dict[str, object]
) -> None:
    data = _post(
        books,
        **_line(books, 0, description="First half", unit_price="600000000000.00"),
        **_line(books, 1, description="Second half", unit_price="600000000000.00"),
    )
    response = client_for(tenants.owner).post(NEW, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The lines of this invoice come to 1,440,000,000,000.00 with tax" in body
    assert not Invoice.objects.exists()
