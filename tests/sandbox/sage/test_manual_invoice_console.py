"""The Sage console's "Add an invoice" action: a bookkeeper's own (released) invoice for
an existing customer contact (what the ledger mirror copies into Patchbay)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from sandbox.sage import books
from sandbox.sage.models import SageSalesInvoice, Status
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.sandbox.sage.books_data import HARBOUR

CONSOLE = reverse("sandbox:sage:console")


def _add(browser: Client, **data: str) -> str:
    fields = {
        "action": "invoice-add",
        "business": DEMO_HIRE_UK,
        "contact": HARBOUR,
        "description": "Staging hire, keyed in Sage",
        "amount": "150.00",
        **data,
    }
    answer = browser.post(CONSOLE, fields, follow=True)
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_invoice_added_in_the_console_is_released_for_the_customer(browser: Client) -> None:
    page = _add(browser, due_date="2031-02-28")
    assert "added for" in page
    added = SageSalesInvoice.objects.get(lines__description="Staging hire, keyed in Sage")
    assert added.status == Status.UNPAID and added.number
    assert added.contact.guid == HARBOUR and added.net_amount == 150
    assert added.due_date is not None and added.due_date.isoformat() == "2031-02-28"


def test_a_bad_amount_or_contact_is_refused_and_adds_nothing(browser: Client) -> None:
    before = len(books.invoices_of(DEMO_HIRE_UK))
    assert "Check the manual invoice fields" in _add(browser, amount="-3")
    assert "Check the manual invoice fields" in _add(browser, contact="nobody")
    assert len(books.invoices_of(DEMO_HIRE_UK)) == before
