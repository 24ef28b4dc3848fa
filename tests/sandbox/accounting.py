"""Request bodies a client would send to the accounting API, and shortcuts for the tests."""

from __future__ import annotations

from typing import Any

from sandbox.xero.accounting.chart import seeded_id
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox.flow import Xero

BRIGHT_LIGHTS = str(seeded_id(DEMO_COMPANY_UK, "contact", "Bright Lights Events Ltd"))
NORTHERN_STAGE = str(seeded_id(DEMO_COMPANY_UK, "contact", "Northern Stage Productions"))


def line(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Description": "Scissor lift 19ft, hire 04-08 May",
        "Quantity": 5,
        "UnitAmount": 85.00,
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
    }
    item.update(overrides)
    return item


def invoice(**overrides: Any) -> dict[str, Any]:
    """A DRAFT sales invoice like Patchbay pushes (xero.md's example request)."""
    body: dict[str, Any] = {
        "Type": "ACCREC",
        "Contact": {"ContactID": BRIGHT_LIGHTS},
        "Date": "2026-05-04",
        "DueDate": "2026-05-18",
        "Reference": "PB-RA-10482",
        "Status": "DRAFT",
        "LineAmountTypes": "Exclusive",
        "LineItems": [line()],
    }
    body.update(overrides)
    return body


def create_invoices(xero: Xero, *bodies: dict[str, Any], params: str = "") -> list[dict[str, Any]]:
    response = xero.put("Invoices", {"Invoices": list(bodies)}, params=params)
    assert response.status_code == 200, response.content
    created: list[dict[str, Any]] = response.json()["Invoices"]
    return created


def authorised_invoice(xero: Xero, **overrides: Any) -> dict[str, Any]:
    [created] = create_invoices(xero, invoice(Status="AUTHORISED", **overrides))
    return created


def payment(invoice_id: str, amount: float, code: str = "090", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": code},
        "Date": "2026-05-10",
        "Amount": amount,
        "Reference": "Bank transfer",
    }
    body.update(overrides)
    return body


def errors_of(element: dict[str, Any]) -> list[str]:
    return [error["Message"] for error in element.get("ValidationErrors", [])]
