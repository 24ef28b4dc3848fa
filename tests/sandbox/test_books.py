"""The bookkeeper inside Xero: sandbox.xero.books helpers and the console's Books panel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.xero import books
from sandbox.xero.accounting.models import XeroContact, XeroInvoice
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow
from tests.sandbox.accounting import authorised_invoice, create_invoices, invoice


def post(client: Client, **data: object):
    return client.post(flow.CONSOLE, data, follow=True)


def test_record_a_partial_then_a_full_payment(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    books.record_payment(DEMO_COMPANY_UK, created["InvoiceID"], "200.00")
    partly = books.invoice(DEMO_COMPANY_UK, created["InvoiceID"])
    assert (partly.status, partly.amount_due) == ("AUTHORISED", Decimal("310.00"))
    payment = books.record_payment(
        DEMO_COMPANY_UK, created["InvoiceNumber"], 310, "091", on=date(2026, 5, 9)
    )
    assert payment.account.code == "091" and payment.date == date(2026, 5, 9)
    paid = books.invoice(DEMO_COMPANY_UK, created["InvoiceID"])
    assert (paid.status, paid.amount_due) == ("PAID", Decimal(0))
    listed = xero.get("Payments").json()["Payments"]
    assert [item["Amount"] for item in listed] == [200, 310]


def test_refusals_carry_xeros_message(xero: flow.Xero) -> None:
    [draft] = create_invoices(xero, invoice())
    with pytest.raises(books.Refused, match="Invoice not of valid status for creating payment"):
        books.record_payment(DEMO_COMPANY_UK, draft["InvoiceID"], 10)
    authorised = authorised_invoice(xero, Reference="PB-2")
    with pytest.raises(books.Refused, match="exceeds the amount outstanding"):
        books.record_payment(DEMO_COMPANY_UK, authorised["InvoiceID"], 9999)
    with pytest.raises(books.Refused):
        books.delete_draft(DEMO_COMPANY_UK, authorised["InvoiceID"])


def test_edit_invoice_bumps_updated_date_and_recomputes(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        edited = books.edit_invoice(
            DEMO_COMPANY_UK,
            created["InvoiceID"],
            reference="PB-RA-10482 (agreed)",
            description="Lift, 6 days",
            quantity=6,
        )
    assert edited.reference == "PB-RA-10482 (agreed)" and edited.total == Decimal("612.00")
    [fetched] = xero.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"]
    assert fetched["UpdatedDateUTC"] > created["UpdatedDateUTC"]
    assert fetched["LineItems"][0]["LineItemID"] == created["LineItems"][0]["LineItemID"]
    assert books.invoice_json(DEMO_COMPANY_UK, created["InvoiceID"])["Total"] == 612.0


def test_authorise_void_and_delete_draft(xero: flow.Xero) -> None:
    first, _ = create_invoices(xero, invoice(), invoice(Reference="PB-2"))
    assert books.authorise_invoice(DEMO_COMPANY_UK, first["InvoiceID"]).status == "AUTHORISED"
    assert books.void_invoice(DEMO_COMPANY_UK, first["InvoiceID"]).status == "VOIDED"
    assert books.delete_draft(DEMO_COMPANY_UK, "PB-2").status == "DELETED"
    assert [row.status for row in books.invoices_of(DEMO_COMPANY_UK)] == ["VOIDED", "DELETED"]


def test_contacts_payments_and_deleting_a_payment(xero: flow.Xero) -> None:
    contact = books.create_contact(DEMO_COMPANY_UK, "Walk-in Hire", email="walk@in.test")
    assert contact in books.contacts_of(DEMO_COMPANY_UK)
    with pytest.raises(books.Refused, match="already assigned"):
        books.create_contact(DEMO_COMPANY_UK, "walk-in hire")
    assert books.archive_contact(DEMO_COMPANY_UK, contact.contact_id).status == "ARCHIVED"
    created = authorised_invoice(xero)
    payment = books.record_payment(DEMO_COMPANY_UK, created["InvoiceID"], 510)
    assert books.delete_payment(DEMO_COMPANY_UK, payment.payment_id).status == "DELETED"
    assert books.invoice(DEMO_COMPANY_UK, created["InvoiceID"]).status == "AUTHORISED"
    assert books.items_of(DEMO_COMPANY_UK)[0].code == "DEL-LOCAL"
    assert books.payments_of(DEMO_COMPANY_UK)[0].status == "DELETED"
    assert books.credit_notes_of(DEMO_COMPANY_UK) == []


def test_console_lists_invoices_of_the_chosen_organisation(xero: flow.Xero, app: Client) -> None:
    create_invoices(xero, invoice(Reference="PB-RA-555"))
    page = app.get(flow.CONSOLE).content.decode()
    assert "Books of Demo Company (UK)" in page
    assert "INV-0001" in page and "PB-RA-555" in page and "Bright Lights Events Ltd" in page
    assert "510.00" in page
    found = app.get(flow.CONSOLE, {"q": "555"}).content.decode()
    assert "PB-RA-555" in found
    assert "No invoices" in app.get(flow.CONSOLE, {"q": "nothing-like-this"}).content.decode()


def test_console_edits_authorises_and_takes_a_partial_payment(xero: flow.Xero, app: Client) -> None:
    [created] = create_invoices(xero, invoice())
    tenant, invoice_id = str(DEMO_COMPANY_UK), created["InvoiceID"]
    opened = app.get(flow.CONSOLE, {"tenant": tenant, "invoice": invoice_id}).content.decode()
    assert (
        "Line 1 unit amount" in opened
        and "Authorise invoice" in opened
        and "Delete draft" in opened
    )
    common = {"tenant": tenant, "invoice": invoice_id}
    saved = post(
        app,
        action="invoice-save",
        reference="PB-RA-10482 edited",
        due_date="2026-06-01",
        line_0_description="Scissor lift, agreed",
        line_0_quantity="5",
        line_0_unit_amount="80",
        **common,
    )
    assert "saved: total 480.00" in saved.content.decode()
    authorised = post(app, action="invoice-authorise", **common).content.decode()
    assert "authorised" in authorised and "Record payment" in authorised
    paid = post(
        app,
        action="payment-record",
        amount="100.00",
        account="090",
        paid_on="2026-05-10",
        reference="",
        **common,
    )
    assert "Payment of 100.00 recorded" in paid.content.decode()
    row = XeroInvoice.objects.get(invoice_id=invoice_id)
    assert (row.reference, row.status, row.amount_due) == (
        "PB-RA-10482 edited",
        "AUTHORISED",
        Decimal("380.00"),
    )


def test_console_refusals_and_deleting_a_draft(xero: flow.Xero, app: Client) -> None:
    [created] = create_invoices(xero, invoice())
    common = {"tenant": str(DEMO_COMPANY_UK), "invoice": created["InvoiceID"]}
    refused = post(
        app, action="payment-record", amount="10", account="090", paid_on="2026-05-10", **common
    )
    assert (
        "Xero refused: Invoice not of valid status for creating payment" in refused.content.decode()
    )
    deleted = post(app, action="invoice-delete", **common)
    assert "deleted" in deleted.content.decode()
    assert XeroInvoice.objects.get().status == "DELETED"
    gone = post(app, action="invoice-authorise", tenant=str(DEMO_COMPANY_UK), invoice="nope")
    assert "nothing was changed" in gone.content.decode()


def test_console_creates_a_contact(app: Client, world: None) -> None:
    response = post(
        app, action="contact-create", tenant=str(DEMO_COMPANY_UK), name="Festival Freight", email=""
    )
    assert "Contact Festival Freight created in Demo Company (UK)" in response.content.decode()
    assert XeroContact.objects.filter(name="Festival Freight").exists()
    again = post(app, action="contact-create", tenant=str(DEMO_COMPANY_UK), name="Festival Freight")
    assert "already assigned to another contact" in again.content.decode()
    blank = post(app, action="contact-create", tenant=str(DEMO_COMPANY_UK), name="")
    assert "Check the contact fields" in blank.content.decode()


def test_console_redirect_keeps_the_invoice_open(xero: flow.Xero, app: Client) -> None:
    [created] = create_invoices(xero, invoice())
    response = app.post(
        flow.CONSOLE,
        {
            "action": "invoice-authorise",
            "tenant": str(DEMO_COMPANY_UK),
            "invoice": created["InvoiceID"],
        },
    )
    assert response.status_code == 302
    assert created["InvoiceID"] in response["Location"] and "#books-heading" in response["Location"]


def test_console_sets_a_flaky_fault_with_a_seed(app: Client, world: None) -> None:
    response = post(app, action="fault", target="api", mode="flaky", fail_ratio="0.2", seed="42")
    page = response.content.decode()
    assert "Flaky (a share of calls fail)" in page and "20% of calls, seed 42" in page
    refused = app.post(flow.CONSOLE, {"action": "fault", "target": "api", "mode": "flaky"})
    assert refused.status_code == 400
    assert "Give the share of calls that should fail." in refused.content.decode()


def test_console_date_inputs_hold_iso_dates(xero: flow.Xero, app: Client) -> None:
    [created] = create_invoices(xero, invoice(Status="AUTHORISED"))
    page = app.get(flow.CONSOLE, {"invoice": created["InvoiceID"]}).content.decode()
    assert 'value="2026-05-18"' in page
    assert 'name="paid_on"' in page and 'value="510.00"' in page
