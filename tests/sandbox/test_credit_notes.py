"""Credit notes and their allocations to invoices."""

from __future__ import annotations

from typing import Any

from tests.sandbox import flow
from tests.sandbox.accounting import authorised_invoice, errors_of, line


def credit_note(**overrides: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Type": "ACCRECCREDIT",
        "Contact": {"Name": "Bright Lights Events Ltd"},
        "Date": "2026-05-20",
        "Reference": "PB-CN-1",
        "Status": "AUTHORISED",
        "LineItems": [line(Quantity=1, UnitAmount=100)],
    }
    body.update(overrides)
    return body


def create(xero: flow.Xero, **overrides: object) -> dict[str, Any]:
    response = xero.put("CreditNotes", {"CreditNotes": [credit_note(**overrides)]})
    assert response.status_code == 200, response.content
    created: dict[str, Any] = response.json()["CreditNotes"][0]
    return created


def allocate(
    xero: flow.Xero, note: dict[str, Any], invoice_id: str, amount: float, params: str = ""
) -> Any:
    body = {
        "Allocations": [
            {"Amount": amount, "Invoice": {"InvoiceID": invoice_id}, "Date": "2026-05-21"}
        ]
    }
    return xero.put(f"CreditNotes/{note['CreditNoteID']}/Allocations", body, params=params)


def test_a_credit_note_has_totals_a_number_and_remaining_credit(xero: flow.Xero) -> None:
    note = create(xero)
    assert note["CreditNoteNumber"] == "CN-0001" and note["Status"] == "AUTHORISED"
    assert (note["SubTotal"], note["TotalTax"], note["Total"], note["RemainingCredit"]) == (
        100,
        20,
        120,
        120,
    )
    assert note["Allocations"] == []


def test_allocating_credit_reduces_both_sides(xero: flow.Xero) -> None:
    invoice = authorised_invoice(xero)
    note = create(xero)
    response = allocate(xero, note, invoice["InvoiceID"], 120)
    assert response.status_code == 200
    [allocation] = response.json()["Allocations"]
    assert (
        allocation["Amount"] == 120 and allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    )
    [after] = xero.get(f"CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"]
    assert (after["Status"], after["RemainingCredit"]) == ("PAID", 0)
    assert after["Allocations"][0]["Amount"] == 120
    [billed] = xero.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"]
    assert (billed["AmountCredited"], billed["AmountDue"]) == (120, 390)
    assert billed["CreditNotes"][0]["CreditNoteID"] == note["CreditNoteID"]


def test_allocations_are_refused_beyond_the_credit_or_for_drafts(xero: flow.Xero) -> None:
    invoice = authorised_invoice(xero)
    note = create(xero)
    too_much = allocate(xero, note, invoice["InvoiceID"], 121)
    assert errors_of(too_much.json()["Elements"][0]) == [
        "The amount to allocate exceeds the remaining credit on the credit note."
    ]
    draft = create(xero, Status="DRAFT", Reference="draft")
    refused = allocate(xero, draft, invoice["InvoiceID"], 1, params="summarizeErrors=false")
    [element] = refused.json()["Allocations"]
    assert element["StatusAttributeString"] == "ERROR"
    assert "AUTHORISED" in errors_of(element)[0]


def test_allocation_needs_the_same_contact(xero: flow.Xero) -> None:
    invoice = authorised_invoice(xero)
    note = create(xero, Contact={"Name": "Northern Stage Productions"})
    response = allocate(xero, note, invoice["InvoiceID"], 10)
    assert errors_of(response.json()["Elements"][0]) == [
        "The credit note and the invoice must be for the same contact."
    ]


def test_credit_notes_list_page_and_update(xero: flow.Xero) -> None:
    note = create(xero, Status="DRAFT")
    assert "LineItems" not in xero.get("CreditNotes").json()["CreditNotes"][0]
    paged = xero.get("CreditNotes", {"page": 1}).json()
    assert paged["pagination"]["itemCount"] == 1 and paged["CreditNotes"][0]["LineItems"]
    response = xero.post(
        f"CreditNotes/{note['CreditNoteID']}", {"CreditNotes": [{"Reference": "changed"}]}
    )
    assert response.json()["CreditNotes"][0]["Reference"] == "changed"
    assert xero.get(f"CreditNotes/{note['CreditNoteNumber']}").status_code == 200
    unknown = xero.post("CreditNotes", [{"CreditNoteID": "5f0c8a52-7b4e-4d0e-9c55-1f4de0a7c0de"}])
    assert errors_of(unknown.json()["Elements"][0]) == [
        "An existing Credit Note with the specified CreditNoteID could not be found"
    ]


def test_credit_note_numbers_are_unique(xero: flow.Xero) -> None:
    create(xero, CreditNoteNumber="CN-X")
    response = xero.put("CreditNotes", [credit_note(CreditNoteNumber="CN-X")])
    assert errors_of(response.json()["Elements"][0]) == ["Credit Note # must be unique."]
