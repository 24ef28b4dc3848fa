"""Contact payments and allocations leave the right outstanding amounts."""

from __future__ import annotations

from typing import Any

from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import (
    BRIGHT,
    HARBOUR,
    create_invoice,
    line,
    pay,
    problems,
    receipt,
)


def outstanding(sage: flow.Sage, invoice_id: str) -> tuple[float, str]:
    body = sage.get(f"sales_invoices/{invoice_id}", {"mark_as_sent": "false"}).json()
    return body["outstanding_amount"], body["status"]["id"]


def test_a_full_payment_settles_the_invoice(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    payment = pay(sage, invoice["id"], 510.0)
    assert payment["allocated_artefacts"][0]["artefact"]["id"] == invoice["id"]
    assert payment["allocated_artefacts"][0]["amount"] == 510.0
    assert payment["payment_on_account"] is None
    assert payment["transaction_type"]["id"] == "CUSTOMER_RECEIPT"
    assert outstanding(sage, invoice["id"]) == (0.0, "PAID")


def test_partial_payments_leave_the_rest_outstanding(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    pay(sage, invoice["id"], 200.0)
    assert outstanding(sage, invoice["id"]) == (310.0, "PART_PAID")
    pay(sage, invoice["id"], 310.0)
    assert outstanding(sage, invoice["id"]) == (0.0, "PAID")


def test_what_is_not_allocated_stays_on_account(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    payment = pay(sage, invoice["id"], 100.0, total=150.0)
    assert payment["payment_on_account"]["total_amount"] == 50.0
    assert outstanding(sage, invoice["id"]) == (410.0, "PART_PAID")


def test_overpaying_an_invoice_is_refused(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    response = sage.post("contact_payments", {"contact_payment": receipt(invoice["id"], 600.0)})
    assert response.status_code == 422
    assert problems(response) == [("RecordInvalid", "allocated_artefacts.amount")]
    assert outstanding(sage, invoice["id"]) == (510.0, "UNPAID")


def test_allocations_over_the_total_are_refused(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    body = receipt(invoice["id"], 300.0, total=200.0)
    response = sage.post("contact_payments", {"contact_payment": body})
    assert problems(response) == [("RecordInvalid", "allocated_artefacts")]


def test_a_draft_or_another_contacts_invoice_cannot_be_paid(sage: flow.Sage) -> None:
    draft = create_invoice(sage, status_id="DRAFT")
    response = sage.post("contact_payments", {"contact_payment": receipt(draft["id"], 10.0)})
    assert response.status_code == 422
    theirs = create_invoice(sage, contact_id=BRIGHT)
    response = sage.post("contact_payments", {"contact_payment": receipt(theirs["id"], 10.0)})
    assert response.json()[0]["$message"] == "belongs to another contact"


def test_a_payment_needs_its_required_fields(sage: flow.Sage) -> None:
    response = sage.post(
        "contact_payments", {"contact_payment": {"transaction_type_id": "CUSTOMER_RECEIPT"}}
    )
    assert response.status_code == 422
    assert problems(response) == [("RecordInvalid", "contact_id")]


def test_deleting_a_payment_restores_the_outstanding_amount(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    payment = pay(sage, invoice["id"], 510.0)
    assert sage.delete(f"contact_payments/{payment['id']}").status_code == 204
    assert outstanding(sage, invoice["id"]) == (510.0, "UNPAID")
    assert sage.get(f"contact_payments/{payment['id']}").status_code == 404


def test_updating_a_payments_allocations_moves_the_invoices(sage: flow.Sage) -> None:
    first, second = create_invoice(sage), create_invoice(sage)
    payment = pay(sage, first["id"], 100.0)
    moved = sage.put(
        f"contact_payments/{payment['id']}",
        {
            "contact_payment": {
                "allocated_artefacts": [{"artefact_id": second["id"], "amount": 100}]
            }
        },
    )
    assert moved.status_code == 200, moved.content
    assert outstanding(sage, first["id"]) == (510.0, "UNPAID")
    assert outstanding(sage, second["id"]) == (410.0, "PART_PAID")


def credit_note(sage: flow.Sage, price: float = 85.0) -> dict[str, Any]:
    body = {
        "contact_id": HARBOUR,
        "date": "2026-05-12",
        "credit_note_lines": [line(quantity=1, unit_price=price)],
    }
    response = sage.post("sales_credit_notes", {"sales_credit_note": body})
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def allocation(invoice_id: str, credit_id: str, amount: float) -> dict[str, Any]:
    return {
        "contact_allocation": {
            "transaction_type_id": "CUSTOMER_ALLOCATION",
            "contact_id": HARBOUR,
            "allocated_artefacts": [
                {"artefact_id": invoice_id, "amount": amount},
                {"artefact_id": credit_id, "amount": -amount},
            ],
        }
    }


def test_a_credit_note_allocated_to_an_invoice(sage: flow.Sage) -> None:
    invoice, credit = create_invoice(sage), credit_note(sage)
    response = sage.post("contact_allocations", allocation(invoice["id"], credit["id"], 102.0))
    assert response.status_code == 201, response.content
    assert outstanding(sage, invoice["id"]) == (408.0, "PART_PAID")
    shown = sage.get(f"sales_credit_notes/{credit['id']}", {"mark_as_sent": "false"}).json()
    assert (shown["outstanding_amount"], shown["status"]["id"]) == (0.0, "PAID")
    assert sage.delete(f"contact_allocations/{response.json()['id']}").status_code == 204
    assert outstanding(sage, invoice["id"]) == (510.0, "UNPAID")


def test_allocations_must_add_up_to_zero(sage: flow.Sage) -> None:
    invoice, credit = create_invoice(sage), credit_note(sage)
    body = allocation(invoice["id"], credit["id"], 50.0)
    body["contact_allocation"]["allocated_artefacts"][1]["amount"] = -40.0
    response = sage.post("contact_allocations", body)
    assert problems(response) == [("RecordInvalid", "allocated_artefacts")]
