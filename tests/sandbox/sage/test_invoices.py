"""Sales invoices and credit notes: create, read, update, release, void and delete."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from sandbox.sage import books
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import (
    HARBOUR,
    LIFT_SERVICE,
    SALES_4000,
    create_invoice,
    invoice,
    line,
    pay,
    problems,
)


def test_creating_an_invoice_computes_amounts_and_numbers_it(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    assert body["invoice_number"] == "SI-1" and body["displayed_as"] == "SI-1"
    assert body["$path"] == f"/sales_invoices/{body['id']}" and len(body["id"]) == 32
    assert body["status"]["id"] == "UNPAID"
    assert (body["net_amount"], body["tax_amount"], body["total_amount"]) == (425.0, 85.0, 510.0)
    assert body["outstanding_amount"] == 510.0
    assert body["contact"]["id"] == HARBOUR
    assert body["contact"]["displayed_as"] == "Harbour Build Ltd (HARB001)"
    assert body["contact_name"] == "Harbour Build Ltd" and body["contact_reference"] == "HARB001"
    [only] = body["invoice_lines"]
    assert only["tax_rate"]["id"] == "GB_STANDARD" and only["total_amount"] == 510.0
    assert create_invoice(sage)["invoice_number"] == "SI-2"


def test_a_draft_has_no_number_until_released(sage: flow.Sage) -> None:
    draft = create_invoice(sage, status_id="DRAFT")
    assert draft["status"]["id"] == "DRAFT" and draft["invoice_number"] is None
    released = sage.post(f"sales_invoices/{draft['id']}/release")
    assert released.status_code == 201
    assert released.json()["status"]["id"] == "UNPAID"
    assert released.json()["invoice_number"] == "SI-1"
    again = sage.post(f"sales_invoices/{draft['id']}/release")
    assert again.status_code == 422


def test_an_unknown_status_id_is_refused(sage: flow.Sage) -> None:
    response = sage.post("sales_invoices", {"sales_invoice": invoice(status_id="PAID")})
    assert response.status_code == 422 and problems(response) == [("RecordInvalid", "status_id")]


def test_a_service_fills_in_the_line(sage: flow.Sage) -> None:
    lines = [{"service_id": LIFT_SERVICE, "quantity": 2}]
    body = create_invoice(sage, invoice_lines=lines)
    [only] = body["invoice_lines"]
    assert only["description"] == "Scissor lift 19ft, daily hire"
    assert only["unit_price"] == 85.0 and only["service"]["id"] == LIFT_SERVICE
    assert only["ledger_account"]["id"] == SALES_4000 and body["total_amount"] == 204.0


def test_reading_one_invoice_marks_it_sent_unless_asked_not_to(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    quiet = sage.get(f"sales_invoices/{body['id']}", {"mark_as_sent": "false"}).json()
    assert quiet["sent"] is False and quiet["updated_at"] == body["updated_at"]
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        marked = sage.get(f"sales_invoices/{body['id']}").json()
    assert marked["sent"] is True and marked["updated_at"] > body["updated_at"]


def test_updating_moves_updated_at_and_lines_follow_nested_rules(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    first = body["invoice_lines"][0]["id"]
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = sage.put(
            f"sales_invoices/{body['id']}",
            {
                "sales_invoice": {
                    "notes": "Call before delivery",
                    "invoice_lines": [
                        {"id": first, "unit_price": 90},
                        line(description="Delivery", quantity=1, unit_price=45),
                    ],
                }
            },
        )
    assert response.status_code == 200, response.content
    changed = response.json()
    assert changed["updated_at"] > body["updated_at"] and changed["notes"] == "Call before delivery"
    assert [item["net_amount"] for item in changed["invoice_lines"]] == [450.0, 45.0]
    assert changed["total_amount"] == 594.0
    removed = sage.put(
        f"sales_invoices/{body['id']}",
        {"sales_invoice": {"invoice_lines": [{"id": first, "_destroy": True}]}},
    ).json()
    assert [item["description"] for item in removed["invoice_lines"]] == ["Delivery"]


def test_a_paid_invoice_is_not_editable(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    pay(sage, body["id"], 510.0)
    shown = sage.get(f"sales_invoices/{body['id']}").json()
    assert shown["editable"] is False and shown["status"]["id"] == "PAID"
    response = sage.put(f"sales_invoices/{body['id']}", {"sales_invoice": {"notes": "x"}})
    assert response.status_code == 422 and problems(response) == [("RecordInvalid", "base")]


def test_a_vat_reconciled_invoice_cannot_be_edited(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    books.reconcile_vat(DEMO_HIRE_UK, body["id"])
    response = sage.put(f"sales_invoices/{body['id']}", {"sales_invoice": {"notes": "x"}})
    assert response.json()[0]["$message"] == "You cannot edit VAT reconciled transactions."


def test_deleting_a_draft_removes_it(sage: flow.Sage) -> None:
    draft = create_invoice(sage, status_id="DRAFT")
    response = sage.delete(f"sales_invoices/{draft['id']}")
    assert response.status_code == 204
    assert sage.get(f"sales_invoices/{draft['id']}").status_code == 404


def test_deleting_a_released_invoice_voids_it_and_needs_a_reason(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    refused = sage.delete(f"sales_invoices/{body['id']}")
    assert refused.status_code == 422 and problems(refused) == [("RecordInvalid", "void_reason")]
    voided = sage.delete(f"sales_invoices/{body['id']}", "void_reason=Raised+in+error")
    assert voided.status_code == 200
    assert voided.json()["status"]["id"] == "VOID"
    assert voided.json()["void_reason"] == "Raised in error"
    assert voided.json()["outstanding_amount"] == 0.0
    assert sage.get(f"sales_invoices/{body['id']}").json()["status"]["id"] == "VOID"


def test_a_part_paid_invoice_cannot_be_voided(sage: flow.Sage) -> None:
    body = create_invoice(sage)
    pay(sage, body["id"], 100.0)
    response = sage.delete(f"sales_invoices/{body['id']}", "void_reason=Oops")
    assert response.status_code == 422


def test_an_unknown_invoice_is_404_with_an_error_array(sage: flow.Sage) -> None:
    response = sage.get("sales_invoices/" + "0" * 32)
    assert response.status_code == 404
    assert problems(response) == [("RecordNotFound", "")]


def test_credit_notes_use_their_own_lines_and_numbers(sage: flow.Sage) -> None:
    body = {
        "contact_id": HARBOUR,
        "date": "2026-05-12",
        "reference": "PB-CN-1",
        "credit_note_lines": [line(quantity=1, unit_price=85)],
    }
    response = sage.post("sales_credit_notes", {"sales_credit_note": body})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["credit_note_number"] == "SCN-1" and created["total_amount"] == 102.0
    assert "invoice_lines" not in created and "due_date" not in created
    wrong = sage.post("sales_credit_notes", {"sales_credit_note": invoice()})
    assert problems(wrong) == [("RecordInvalid", "credit_note_lines")]
