from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from operations import services
from operations.models import Invoice, Payment
from tests import factories
from tests.conftest import Tenants, client_for


def pay(invoice: Invoice) -> str:
    return reverse("operations:payment_create", kwargs={"pk": invoice.pk})


@pytest.fixture
def invoice(tenants: Tenants) -> Invoice:
    return factories.make_issued_invoice(tenants.alpha, unit_price="500.00")  # 600.00 due


def test_form_offers_the_amount_due_and_todays_date(tenants: Tenants, invoice: Invoice) -> None:
    response = client_for(tenants.bookkeeper).get(pay(invoice))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="amount" value="600.00"' in body
    assert 'name="paid_on" value="' in body
    assert "600.00 GBP still due" in body


def test_recording_a_part_payment_saves_it_and_returns_to_the_invoice(
    tenants: Tenants, invoice: Invoice
) -> None:
    response = client_for(tenants.bookkeeper).post(
        pay(invoice), {"amount": "250.50", "paid_on": "2025-03-04", "reference": "BACS 1182"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("operations:invoice_detail", kwargs={"pk": invoice.pk})
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on, payment.reference) == (
        Decimal("250.50"),
        date(2025, 3, 4),
        "BACS 1182",
    )
    assert payment.organisation_id == tenants.alpha.pk
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("349.50")
    assert invoice.status == Invoice.Status.PARTIALLY_PAID


def test_over_payment_gets_an_error_beside_the_amount_and_saves_nothing(
    tenants: Tenants, invoice: Invoice
) -> None:
    response = client_for(tenants.owner).post(
        pay(invoice), {"amount": "600.01", "paid_on": "2025-03-04"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="field has-error"' in body
    assert 'id="id_amount_error">The amount cannot be more than the 600.00 GBP still due.' in body
    assert 'value="600.01"' in body  # what the person typed is kept
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("600.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "abc", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "0", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "-3", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "1.005", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "1e400", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "1000000000000", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "NaN", "paid_on": "2025-03-04"}, "amount"),
        ({"amount": "10", "paid_on": "not a date"}, "paid_on"),
        ({"amount": "10", "paid_on": "2025-02-30"}, "paid_on"),
        ({"amount": "10"}, "paid_on"),
        ({}, "amount"),
    ],
)
def test_bad_input_gets_400_with_the_error_beside_its_field(
    tenants: Tenants, invoice: Invoice, data: dict[str, str], field: str
) -> None:
    response = client_for(tenants.owner).post(pay(invoice), data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Payment.objects.exists()


def test_payment_that_lands_while_the_form_is_open_lowers_what_can_be_entered(
    tenants: Tenants, invoice: Invoice
) -> None:
    client = client_for(tenants.owner)
    client.get(pay(invoice))  # the form offers 600.00
    services.record_payment(invoice, Decimal("100.00"), date(2025, 3, 1))
    response = client.post(pay(invoice), {"amount": "600.00", "paid_on": "2025-03-04"})
    assert response.status_code == 400
    assert "more than the 500.00 GBP still due" in response.content.decode()
    assert Payment.objects.count() == 1


def test_refusal_by_the_service_in_a_race_is_shown_beside_the_field(
    tenants: Tenants, invoice: Invoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between the form's check and the locked write another payment can land; the
    # service's refusal must reach the person as a field error, not a 500.
    def refuse(*args: object, **kwargs: object) -> None:
        raise services.OperationError("Only 5.00 GBP is still due.", field="amount")

    monkeypatch.setattr(services, "record_payment", refuse)
    response = client_for(tenants.owner).post(
        pay(invoice), {"amount": "10.00", "paid_on": "2025-03-04"}
    )
    assert response.status_code == 400
    assert 'id="id_amount_error">Only 5.00 GBP is still due.' in response.content.decode()


def test_paid_invoice_sends_the_visitor_back_with_a_message(
    tenants: Tenants, invoice: Invoice
) -> None:
    services.record_payment(invoice, Decimal("600.00"), date(2025, 3, 1))
    response = client_for(tenants.owner).post(
        pay(invoice), {"amount": "1.00", "paid_on": "2025-03-04"}, follow=True
    )
    assert "is Paid: it cannot take payments" in response.content.decode()
    assert Payment.objects.count() == 1


def test_draft_invoice_sends_the_visitor_back_with_a_message(tenants: Tenants) -> None:
    draft = factories.make_invoice(tenants.alpha)
    response = client_for(tenants.owner).get(pay(draft), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "operations:invoice_detail", kwargs={"pk": draft.pk}
    )
    assert "cannot take payments" in response.content.decode()


def test_payment_form_refuses_other_methods(tenants: Tenants, invoice: Invoice) -> None:
    assert client_for(tenants.owner).put(pay(invoice)).status_code == 405
