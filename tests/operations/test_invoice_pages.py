from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations import services
from operations.models import Invoice
from tests import factories
from tests.conftest import Tenants, client_for

LIST = reverse("operations:invoice_list")


def detail(invoice: Invoice) -> str:
    return reverse("operations:invoice_detail", kwargs={"pk": invoice.pk})


def issue(invoice: Invoice) -> str:
    return reverse("operations:invoice_issue", kwargs={"pk": invoice.pk})


def pay(invoice: Invoice) -> str:
    return reverse("operations:payment_create", kwargs={"pk": invoice.pk})


def rows(response) -> int:
    return int(response.content.decode().count('data-testid="invoice-row"'))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- List -------------------------------------------------------------------------------


def test_list_shows_number_customer_dates_status_and_money(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha, name="Riverside Festival")
    invoice = factories.make_issued_invoice(tenants.alpha, customer, unit_price="1000.00")
    services.record_payment(invoice, Decimal("200.00"), invoice.issue_date)
    body = client_for(tenants.bookkeeper).get(LIST).content.decode()
    assert "INV-0001" in body
    assert "Riverside Festival" in body
    assert 'class="badge badge-partially_paid">Partially paid<' in body
    assert "1,200.00 GBP" in body
    assert "1,000.00 GBP" in body
    assert f"{invoice.due_date:%-d %b %Y}" in body


def test_list_paginates_25_per_page(tenants: Tenants) -> None:
    for _ in range(30):
        factories.make_invoice(tenants.alpha)
    client = client_for(tenants.owner)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert (rows(first), rows(second)) == (25, 5)
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize(("page", "expected_rows"), [("abc", 25), ("9999", 5), ("-1", 5), ("", 25)])
def test_unusable_page_numbers_fall_back_to_a_real_page(
    tenants: Tenants, page: str, expected_rows: int
) -> None:
    for _ in range(30):
        factories.make_invoice(tenants.alpha)
    response = client_for(tenants.owner).get(LIST, {"page": page})
    assert response.status_code == 200
    assert rows(response) == expected_rows


def test_status_filter_shows_only_that_status_and_keeps_it_across_pages(tenants: Tenants) -> None:
    for _ in range(27):
        factories.make_issued_invoice(tenants.alpha)
    factories.make_invoice(tenants.alpha)
    response = client_for(tenants.owner).get(LIST, {"status": "issued"})
    body = response.content.decode()
    assert rows(response) == 25
    assert "badge-draft" not in body
    assert "27 invoices with status Issued" in body
    assert "?status=issued&amp;page=2" in body
    assert rows(client_for(tenants.owner).get(LIST, {"status": "draft"})) == 1


def test_unknown_status_filter_shows_every_invoice_and_says_why(tenants: Tenants) -> None:
    factories.make_invoice(tenants.alpha)
    factories.make_issued_invoice(tenants.alpha)
    response = client_for(tenants.owner).get(LIST, {"status": "<script>lost</script>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == 2
    assert 'id="id_status_error"' in body
    assert "<script>lost" not in body


def test_list_shows_only_the_current_organisations_invoices(tenants: Tenants) -> None:
    factories.make_invoice(tenants.alpha, factories.make_customer(tenants.alpha, "Alpha Client"))
    factories.make_invoice(tenants.bravo, factories.make_customer(tenants.bravo, "Bravo Client"))
    body = client_for(tenants.owner).get(LIST).content.decode()
    assert "Alpha Client" in body
    assert "Bravo Client" not in body


def _list_queries(client) -> int:
    client.get(LIST)  # the first visit of a session also saves the chosen organisation
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_invoices(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    for _ in range(5):
        factories.make_invoice(tenants.alpha)
    few = _list_queries(client)
    for _ in range(55):
        factories.make_invoice(tenants.alpha)
    many = _list_queries(client)
    assert few == many


def test_roles_that_manage_invoices_are_offered_a_new_draft(tenants: Tenants) -> None:
    # Both roles hold MANAGE_INVOICES; the link follows the capability, not the role.
    for user in (tenants.owner, tenants.bookkeeper):
        assert reverse("operations:invoice_create") in client_for(user).get(LIST).content.decode()


# --- Detail -----------------------------------------------------------------------------


def test_detail_shows_lines_totals_payments_and_credit_notes(tenants: Tenants) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha, unit_price="200.00")
    services.record_payment(invoice, Decimal("40.00"), invoice.issue_date, "BACS-77")
    note = services.create_credit_note(
        invoice.customer, [factories.line(tenants.alpha, "10.00")], invoice=invoice
    )
    services.issue_credit_note(note)
    body = client_for(tenants.bookkeeper).get(detail(invoice)).content.decode()
    assert "Invoice INV-0001" in body
    assert "Hire" in body
    assert "200.00 GBP" in body  # net
    assert "40.00 GBP" in body  # tax, and the payment
    assert "240.00 GBP" in body  # total
    assert "188.00 GBP" in body  # 240 - 40 paid - 12 credited
    assert "BACS-77" in body
    assert "CN-0001" in body
    assert reverse("operations:payment_create", kwargs={"pk": invoice.pk}) in body


def test_draft_detail_offers_issue_and_not_payment(tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha)
    body = client_for(tenants.owner).get(detail(invoice)).content.decode()
    assert f'action="{issue(invoice)}"' in body
    assert pay(invoice) not in body


def test_missing_invoice_is_404(tenants: Tenants) -> None:
    response = client_for(tenants.owner).get(reverse("operations:invoice_detail", args=[999999]))
    assert response.status_code == 404


# --- Issue ------------------------------------------------------------------------------


def test_issuing_from_the_page_numbers_the_invoice_and_says_so(tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha)
    response = client_for(tenants.bookkeeper).post(issue(invoice))
    assert response.status_code == 302
    assert response["Location"] == detail(invoice)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.status) == ("INV-0001", Invoice.Status.ISSUED)
    assert messages_of(response) == [
        f"Invoice INV-0001 issued: 120.00 GBP due by {invoice.due_date:%d %b %Y}."
    ]


def test_issuing_twice_shows_a_clear_error_and_keeps_the_number(tenants: Tenants) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    response = client_for(tenants.owner).post(issue(invoice), follow=True)
    assert response.status_code == 200
    assert "only a draft can be issued" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.number == "INV-0001"


def test_issuing_without_lines_shows_a_clear_error(tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha, lines=0)
    response = client_for(tenants.owner).post(issue(invoice))
    assert messages_of(response) == [
        "This invoice has no lines: add at least one before issuing it."
    ]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT


def test_issue_url_refuses_get(tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha)
    assert client_for(tenants.owner).get(issue(invoice)).status_code == 405
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT


# --- Isolation and roles --------------------------------------------------------------------


def test_another_organisations_invoice_pages_are_404_and_unchanged(tenants: Tenants) -> None:
    draft = factories.make_invoice(tenants.alpha)
    issued = factories.make_issued_invoice(tenants.alpha)
    outsider = client_for(tenants.outsider)
    assert outsider.get(detail(draft)).status_code == 404
    assert outsider.post(issue(draft)).status_code == 404
    assert outsider.get(pay(issued)).status_code == 404
    assert (
        outsider.post(pay(issued), {"amount": "1.00", "paid_on": "2025-01-01"}).status_code == 404
    )
    draft.refresh_from_db()
    issued.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT
    assert not issued.payments.exists()


def test_crew_cannot_open_any_invoice_page(tenants: Tenants) -> None:
    draft = factories.make_invoice(tenants.alpha)
    issued = factories.make_issued_invoice(tenants.alpha)
    crew = client_for(tenants.crew)
    assert crew.get(LIST).status_code == 403
    assert crew.get(detail(draft)).status_code == 403
    assert crew.post(issue(draft)).status_code == 403
    assert crew.get(pay(issued)).status_code == 403
    assert crew.get(reverse("operations:invoice_create")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT


def test_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    from django.test import Client

    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_invoice_saved_out_of_bounds_before_the_fix_shows_and_refuses_to_issue(
    tenants: Tenants,
) -> None:
    """Lines saved before money was bounded (the admin, an old release) still show, with
    what they really come to; issuing says why it can't, and changes nothing."""
    invoice = factories.make_invoice(tenants.alpha)
    invoice.lines.update(quantity=Decimal("99999999.99"), unit_price=Decimal("999999999999.99"))
    client = client_for(tenants.owner)
    page = client.get(reverse("operations:invoice_detail", kwargs={"pk": invoice.pk}))
    assert page.status_code == 200
    assert "99,999,999,989,999,000,000.00" in page.content.decode()
    assert client.get(reverse("operations:invoice_list")).status_code == 200
    issued = client.post(
        reverse("operations:invoice_issue", kwargs={"pk": invoice.pk}), follow=True
    )
    assert "more than the 999,999,999,999.99 one invoice can come to" in issued.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (Invoice.Status.DRAFT, "")
