"""Payments: against AUTHORISED invoices only, never above AmountDue, PAID at zero, deletable."""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.xero.accounting.models import XeroPayment
from tests.sandbox import flow
from tests.sandbox.accounting import (
    authorised_invoice,
    create_invoices,
    errors_of,
    invoice,
    payment,
)


def pay(xero: flow.Xero, body: dict[str, Any], params: str = "") -> dict[str, Any]:
    response = xero.put("Payments", {"Payments": [body]}, params=params)
    assert response.status_code == 200, response.content
    paid: dict[str, Any] = response.json()["Payments"][0]
    return paid


def test_a_partial_payment_lowers_amount_due(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    paid = pay(xero, payment(created["InvoiceID"], 200))
    assert paid["Amount"] == 200 and paid["Status"] == "AUTHORISED"
    assert paid["PaymentType"] == "ACCRECPAYMENT"
    assert paid["Invoice"]["InvoiceID"] == created["InvoiceID"]
    assert paid["Account"]["Code"] == "090"
    [after] = xero.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"]
    assert (after["Status"], after["AmountPaid"], after["AmountDue"]) == ("AUTHORISED", 200, 310)
    assert after["Payments"][0]["PaymentID"] == paid["PaymentID"]


def test_paying_the_rest_makes_the_invoice_paid(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    pay(xero, payment(created["InvoiceID"], 500))
    pay(xero, payment(created["InvoiceID"], 10, Date="2026-05-12"))
    [after] = xero.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"]
    assert (after["Status"], after["AmountDue"]) == ("PAID", 0)
    assert after["FullyPaidOnDate"] == "/Date(1778544000000+0000)/"


def test_more_than_amount_due_is_refused(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    response = xero.put("Payments", {"Payments": [payment(created["InvoiceID"], 510.01)]})
    assert response.status_code == 400
    [element] = response.json()["Elements"]
    assert errors_of(element) == ["Payment amount exceeds the amount outstanding on this document"]


def test_only_authorised_invoices_take_payments(xero: flow.Xero) -> None:
    [draft] = create_invoices(xero, invoice())
    response = xero.put(
        "Payments", [payment(draft["InvoiceID"], 10)], params="summarizeErrors=false"
    )
    [element] = response.json()["Payments"]
    assert element["HasValidationErrors"] is True and element["StatusAttributeString"] == "ERROR"
    assert errors_of(element) == ["Invoice not of valid status for creating payment"]


def test_payments_go_to_bank_accounts_or_payment_enabled_ones(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    response = xero.put("Payments", [payment(created["InvoiceID"], 10, code="200")])
    assert "cannot take payments" in errors_of(response.json()["Elements"][0])[0]
    assert pay(xero, payment(created["InvoiceID"], 10, code="835"))["Account"]["Code"] == "835"
    by_id = payment(
        created["InvoiceID"],
        10,
        Account={"AccountID": pay(xero, payment(created["InvoiceID"], 1))["Account"]["AccountID"]},
    )
    assert pay(xero, by_id)["Account"]["Code"] == "090"


def test_unknown_invoice_or_missing_account_is_refused(xero: flow.Xero) -> None:
    missing = payment(str(uuid.uuid4()), 10)
    no_account = payment(authorised_invoice(xero)["InvoiceID"], 10, Account=None)
    response = xero.put("Payments", [missing, no_account], params="summarizeErrors=false")
    first, second = response.json()["Payments"]
    assert errors_of(first) == [
        "An existing Invoice with the specified InvoiceID could not be found"
    ]
    assert errors_of(second) == ["An Account must be specified by its AccountID or Code."]


def test_post_payments_takes_one_unwrapped_payment(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    response = xero.post("Payments", payment(created["InvoiceID"], 25))
    assert response.json()["Payments"][0]["Amount"] == 25


def test_payment_by_invoice_number(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    body = payment("", 5, Invoice={"InvoiceNumber": created["InvoiceNumber"]})
    assert pay(xero, body)["Invoice"]["InvoiceNumber"] == created["InvoiceNumber"]


def test_deleting_a_payment_makes_the_invoice_due_again(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    paid = pay(xero, payment(created["InvoiceID"], 510))
    response = xero.post(f"Payments/{paid['PaymentID']}", {"Status": "DELETED"})
    assert response.status_code == 200
    assert response.json()["Payments"][0]["Status"] == "DELETED"
    [after] = xero.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"]
    assert (after["Status"], after["AmountDue"], after["Payments"]) == ("AUTHORISED", 510, [])
    listed = xero.get("Payments").json()["Payments"]
    assert [item["Status"] for item in listed] == ["DELETED"]
    again = xero.post(f"Payments/{paid['PaymentID']}", {"Status": "DELETED"})
    assert errors_of(again.json()["Elements"][0]) == ["This payment has already been deleted."]


def test_payment_delete_needs_status_deleted(xero: flow.Xero) -> None:
    paid = pay(xero, payment(authorised_invoice(xero)["InvoiceID"], 5))
    assert xero.post(f"Payments/{paid['PaymentID']}", {"Status": "AUTHORISED"}).status_code == 400
    assert xero.post(f"Payments/{uuid.uuid4()}", {"Status": "DELETED"}).status_code == 404
    assert XeroPayment.objects.get().status == "AUTHORISED"


def test_a_paid_invoice_cannot_be_edited_or_voided(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    pay(xero, payment(created["InvoiceID"], 10))
    url = f"Invoices/{created['InvoiceID']}"
    for change in ({"Reference": "new"}, {"Status": "VOIDED"}):
        response = xero.post(url, [change])
        assert errors_of(response.json()["Elements"][0]) == [
            "This document cannot be edited as it has a payment or credit note allocated to it."
        ]


def test_get_payment_by_id_and_payments_bump_the_invoice(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    paid = pay(xero, payment(created["InvoiceID"], 10))
    [found] = xero.get(f"Payments/{paid['PaymentID']}").json()["Payments"]
    assert found["PaymentID"] == paid["PaymentID"]
    assert xero.get("Payments/not-an-id").status_code == 404
    [after] = xero.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"]
    assert after["UpdatedDateUTC"] == paid["UpdatedDateUTC"]
