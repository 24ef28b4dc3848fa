"""The Xero console's "Add an invoice" action: a bookkeeper's own approved invoice for an
existing contact (what the ledger mirror copies into Patchbay)."""

from __future__ import annotations

from django.test import Client

from sandbox.xero import books
from sandbox.xero.accounting.models import XeroInvoice
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow
from tests.sandbox.accounting import BRIGHT_LIGHTS


def _add(visitor: Client, **data: str) -> str:
    fields = {
        "action": "invoice-add",
        "tenant": str(DEMO_COMPANY_UK),
        "contact": BRIGHT_LIGHTS,
        "description": "Truss hire, keyed in Xero",
        "amount": "150.00",
        **data,
    }
    answer = visitor.post(flow.CONSOLE, fields, follow=True)
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_invoice_added_in_the_console_is_approved_for_the_contact(visitor: Client) -> None:
    before = len(books.invoices_of(DEMO_COMPANY_UK))
    page = _add(visitor, due_date="2031-02-28")
    assert "added for Bright Lights Events Ltd" in page
    assert len(books.invoices_of(DEMO_COMPANY_UK)) == before + 1
    added = XeroInvoice.objects.get(lines__description="Truss hire, keyed in Xero")
    assert added.status == "AUTHORISED" and added.sub_total == 150
    assert str(added.contact.contact_id) == BRIGHT_LIGHTS
    assert added.due_date is not None and added.due_date.isoformat() == "2031-02-28"


def test_a_bad_amount_or_contact_is_refused_beside_its_name_and_adds_nothing(
    visitor: Client,
) -> None:
    before = len(books.invoices_of(DEMO_COMPANY_UK))
    assert "Check the manual invoice fields" in _add(visitor, amount="abc")
    assert "Check the manual invoice fields" in _add(visitor, contact="not-a-contact")
    assert len(books.invoices_of(DEMO_COMPANY_UK)) == before
