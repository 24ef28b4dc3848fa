"""The recurring contract pages: list, create and edit with field errors, detail, actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from operations import contracts
from operations.models import RecurringContract
from tests import factories
from tests.conftest import Tenants, client_for
from tests.operations.test_contracts import at, make_contract

LIST = reverse("operations:contract_list")
NEW = reverse("operations:contract_create")


def url(name: str, contract: RecurringContract) -> str:
    return reverse(f"operations:{name}", kwargs={"pk": contract.pk})


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(tenants: Tenants, **changes: str) -> dict[str, str]:
    org = tenants.alpha
    customer = factories.make_customer(org, name="Riverside Arts")
    tax, income = factories.make_tax(org), factories.make_income(org)
    data = {
        "name": "Warehouse PA",
        "customer": str(customer.pk),
        "period": "monthly",
        "starts_on": "2026-06-15",
        "ends_on": "",
        "billing_day": "1",
        "billing": "advance",
        "payment_days": "14",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "PA system",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "300.00",
        "lines-0-tax_category": str(tax.pk),
        "lines-0-income_category": str(income.pk),
        "lines-1-quantity": "1",  # the spare row as the browser sends it
    }
    data.update(changes)
    return data


def test_manager_creates_a_contract_and_is_told_when_its_first_invoice_goes_out(
    tenants: Tenants,
) -> None:
    response = client_for(tenants.manager).post(NEW, form_data(tenants), follow=True)
    contract = RecurringContract.objects.get(organisation=tenants.alpha)
    assert contract.number == "RC-0001"
    assert contract.lines.get().description == "PA system"
    (message,) = messages_of(response)
    assert message.startswith("Contract RC-0001 created. Its next invoice (Hire 15")
    assert "(16 of 30 days)) goes out on 15 Jun 2026." in message


def test_bad_input_gets_errors_beside_the_fields_and_saves_nothing(tenants: Tenants) -> None:
    data = form_data(
        tenants,
        billing_day="31",
        ends_on="2026-06-01",
        **{"lines-0-unit_price": "-5", "lines-0-quantity": "abc"},
    )
    response = client_for(tenants.owner).post(NEW, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value is less than or equal to 28." in body
    assert "The last day cannot be before the start date." in body
    assert 'id="id_lines-0-unit_price_error"' in body
    assert 'id="id_lines-0-quantity_error"' in body
    assert not RecurringContract.objects.exists()


def test_crew_cannot_see_contracts_and_bookkeeper_cannot_be_refused(tenants: Tenants) -> None:
    assert client_for(tenants.crew).get(LIST).status_code == 403
    assert client_for(tenants.crew).get(NEW).status_code == 403
    assert client_for(tenants.bookkeeper).get(LIST).status_code == 200


def test_another_organisations_contract_is_a_404(tenants: Tenants) -> None:
    theirs = make_contract(tenants.bravo, date(2026, 3, 1))
    client = client_for(tenants.owner)
    assert client.get(url("contract_detail", theirs)).status_code == 404
    assert client.get(url("contract_edit", theirs)).status_code == 404
    assert client.post(url("contract_pause", theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RecurringContract.Status.ACTIVE


def test_detail_lists_invoices_by_period_and_the_next_billing_date(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 6, 15), name="Warehouse PA")
    contracts.scan(at(2026, 7, 2))
    body = client_for(tenants.bookkeeper).get(url("contract_detail", contract)).content.decode()
    assert body.count('data-testid="issuance-row"') == 2
    assert "INV-0001" in body and "INV-0002" in body
    assert "1 Aug 2026 · Hire 1" in body
    assert "Pause" in body  # bookkeepers manage invoices


def test_list_shows_each_contract_with_its_next_invoice(tenants: Tenants) -> None:
    make_contract(tenants.alpha, date(2026, 6, 15), name="Warehouse PA")
    body = client_for(tenants.owner).get(LIST).content.decode()
    assert body.count('data-testid="contract-row"') == 1
    assert "Warehouse PA" in body and "15 Jun 2026" in body


def test_pause_and_resume_from_the_page(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, timezone.localdate())
    client = client_for(tenants.owner)
    paused = client.post(url("contract_pause", contract), follow=True)
    assert messages_of(paused)[0].startswith(f"Contract {contract.number} paused")
    contract.refresh_from_db()
    assert contract.status == RecurringContract.Status.PAUSED
    resumed = client.post(url("contract_resume", contract), follow=True)
    assert messages_of(resumed)[0].startswith(f"Contract {contract.number} resumed.")
    contract.refresh_from_db()
    assert contract.status == RecurringContract.Status.ACTIVE


def test_ending_before_the_start_is_an_error_beside_the_field(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    response = client_for(tenants.owner).post(
        url("contract_end", contract), {"last_day": "2026-02-01"}
    )
    assert response.status_code == 400
    assert 'id="id_last_day_error"' in response.content.decode()
    ok = client_for(tenants.owner).post(
        url("contract_end", contract), {"last_day": "2026-04-15"}, follow=True
    )
    assert "ends on 15 Apr 2026" in messages_of(ok)[0]


def test_edit_keeps_the_schedule_once_invoiced_and_removes_a_line(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    contracts.scan(at(2026, 3, 2))
    line = contract.lines.get()
    client = client_for(tenants.owner)
    page = client.get(url("contract_edit", contract)).content.decode()
    assert "Fixed once a period has been invoiced." in page
    data = {
        "name": "PA and lights",
        "customer": str(contract.customer_id),
        "period": "weekly",  # disabled: ignored
        "starts_on": "2026-03-01",
        "billing_day": "9",
        "billing": "arrears",
        "payment_days": "30",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Old",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "300.00",
        "lines-0-tax_category": str(line.tax_category_id),
        "lines-0-income_category": str(line.income_category_id),
        "lines-0-DELETE": "on",
        "lines-1-description": "Lights",
        "lines-1-quantity": "2",
        "lines-1-unit_price": "50.00",
        "lines-1-tax_category": str(line.tax_category_id),
        "lines-1-income_category": str(line.income_category_id),
    }
    response = client.post(url("contract_edit", contract), data)
    assert response.status_code == 302, response.content.decode()
    contract.refresh_from_db()
    assert (contract.name, contract.period, contract.billing_day) == ("PA and lights", "monthly", 1)
    assert contract.payment_days == 30
    assert [li.description for li in contract.lines.all()] == ["Lights"]
