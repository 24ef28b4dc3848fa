"""The QuickBooks console's "Add an invoice" action: a bookkeeper's own invoice for an
existing customer (what the ledger mirror copies into Patchbay)."""

from __future__ import annotations

from django.test import Client

from sandbox.quickbooks import books
from tests.sandbox.quickbooks import flow


def _add(visitor: Client, **data: str) -> str:
    fields = {
        "action": "invoice-add",
        "realm": flow.US_REALM,
        "customer": "1",
        "description": "Lighting rig, keyed in QuickBooks",
        "amount": "150.00",
        **data,
    }
    answer = visitor.post(flow.CONSOLE, fields, follow=True)
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_invoice_added_in_the_console_is_posted_for_the_customer(visitor: Client) -> None:
    page = _add(visitor, due_date="2031-02-28")
    assert "added for" in page
    [added] = [
        row
        for row in books.invoices_of(flow.US_REALM)
        if row.data["Line"][0].get("Description") == "Lighting rig, keyed in QuickBooks"
    ]
    assert added.data["CustomerRef"]["value"] == "1"
    assert added.data["DueDate"] == "2031-02-28"
    assert float(added.data["Balance"]) >= 150


def test_a_bad_amount_or_customer_is_refused_and_adds_nothing(visitor: Client) -> None:
    before = len(books.invoices_of(flow.US_REALM))
    assert "Check the manual invoice fields" in _add(visitor, amount="0")
    assert "Check the manual invoice fields" in _add(visitor, customer="9999")
    assert len(books.invoices_of(flow.US_REALM)) == before
