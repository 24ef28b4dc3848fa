"""Request bodies a client would send, and the demo business's seeded ids."""

from __future__ import annotations

from typing import Any

from sandbox.sage.accounting.chart import seeded_id
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.sandbox.sage.flow import Sage

HARBOUR = seeded_id(DEMO_HIRE_UK, "contact", "HARB001")
BRIGHT = seeded_id(DEMO_HIRE_UK, "contact", "BRIG001")
SALES_4000 = seeded_id(DEMO_HIRE_UK, "ledger_account", "4000")
BANK_1200 = seeded_id(DEMO_HIRE_UK, "bank_account", "1200")
LIFT_SERVICE = seeded_id(DEMO_HIRE_UK, "service", "SL19-DAY")
IDEMPOTENCY_ID = "658ba408aa62a6720f2f0ba172fc99ec"


def line(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "Scissor lift 19ft, hire 04-08 May",
        "ledger_account_id": SALES_4000,
        "quantity": 5,
        "unit_price": 85.00,
        "tax_rate_id": "GB_STANDARD",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def invoice(**overrides: Any) -> dict[str, Any]:
    """The reference's example request (sage.md, section 2)."""
    body: dict[str, Any] = {
        "contact_id": HARBOUR,
        "date": "2026-05-04",
        "due_date": "2026-05-18",
        "reference": "PB-RA-10482",
        "invoice_lines": [line()],
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def create_invoice(sage: Sage, **overrides: Any) -> dict[str, Any]:
    response = sage.post("sales_invoices", {"sales_invoice": invoice(**overrides)})
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def receipt(
    invoice_id: str, amount: float, total: float | None = None, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "transaction_type_id": "CUSTOMER_RECEIPT",
        "contact_id": HARBOUR,
        "bank_account_id": BANK_1200,
        "date": "2026-05-10",
        "total_amount": total if total is not None else amount,
        "reference": "BACS 1234",
        "allocated_artefacts": [{"artefact_id": invoice_id, "amount": amount}],
    }
    body.update(overrides)
    return body


def pay(sage: Sage, invoice_id: str, amount: float, **overrides: Any) -> dict[str, Any]:
    response = sage.post(
        "contact_payments", {"contact_payment": receipt(invoice_id, amount, **overrides)}
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def problems(response: Any) -> list[tuple[str, str]]:
    return [(item["$dataCode"], item["$source"]) for item in response.json()]
