"""Shapes: the keys /work/shared/reference/sage.md documents, with the documented types.

There is no spec file for Sage, so these pin the reference's field lists: a renamed or
retyped field fails here before an adapter meets it.
"""

from __future__ import annotations

from typing import Any

from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import HARBOUR, LIFT_SERVICE, create_invoice, line, pay

LINK = {"id": str, "displayed_as": str, "$path": str}
NUMBER = (int, float)
TEXT_OR_NULL = (str, type(None))


def assert_shape(record: dict[str, Any], expected: dict[str, Any]) -> None:
    missing = set(expected) - set(record)
    assert not missing, f"missing keys: {sorted(missing)}"
    for key, kind in expected.items():
        if isinstance(kind, dict):
            assert isinstance(record[key], dict), key
            assert_shape(record[key], kind)
        else:
            assert isinstance(record[key], kind), f"{key}: {type(record[key]).__name__}"


def test_business_shape(sage: flow.Sage) -> None:
    [business, *_] = sage.get("businesses").json()
    assert_shape(
        business,
        LINK
        | {
            "name": str,
            "country": {"id": str},
            "is_demo": bool,
            "subscriptions": list,
            "created_at": str,
            "updated_at": str,
        },
    )
    assert_shape(business["subscriptions"][0], {"id": str, "active": bool, "status": str})
    assert len(business["id"]) == 32


def test_contact_shape(sage: flow.Sage) -> None:
    contact = sage.get(f"contacts/{HARBOUR}").json()
    assert_shape(
        contact,
        LINK
        | {
            "name": str,
            "contact_types": list,
            "reference": str,
            "email": str,
            "tax_number": TEXT_OR_NULL,
            "currency": LINK,
            "updated_at": str,
            "deleted_at": type(None),
            "deletable": bool,
            "main_address": (dict, type(None)),
        },
    )
    assert contact["contact_types"] == [
        {"id": "CUSTOMER", "displayed_as": "Customer", "$path": "/contact_types/CUSTOMER"}
    ]


def test_service_shape(sage: flow.Sage) -> None:
    service = sage.get(f"services/{LIFT_SERVICE}").json()
    assert_shape(
        service,
        LINK
        | {
            "item_code": str,
            "description": str,
            "sales_ledger_account": LINK,
            "sales_tax_rate": LINK,
            "sales_rates": list,
            "active": bool,
        },
    )
    assert_shape(service["sales_rates"][0], {"rate": NUMBER, "rate_includes_tax": bool})


def test_product_shape(sage: flow.Sage) -> None:
    [item] = sage.get("products", {"attributes": "all"}).json()["$items"]
    assert_shape(item, LINK | {"item_code": str, "description": str, "sales_prices": list})
    assert_shape(item["sales_prices"][0], {"price": NUMBER, "price_includes_tax": bool})


def test_sales_invoice_shape(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    assert_shape(
        invoice,
        LINK
        | {
            "invoice_number": str,
            "contact": LINK,
            "contact_name": str,
            "contact_reference": str,
            "date": str,
            "due_date": str,
            "reference": str,
            "status": LINK,
            "currency": LINK,
            "net_amount": NUMBER,
            "tax_amount": NUMBER,
            "total_amount": NUMBER,
            "outstanding_amount": NUMBER,
            "editable": bool,
            "void_reason": type(None),
            "tax_reconciled": bool,
            "created_at": str,
            "updated_at": str,
            "deleted_at": type(None),
            "invoice_lines": list,
        },
    )
    assert_shape(
        invoice["invoice_lines"][0],
        {
            "id": str,
            "description": str,
            "quantity": NUMBER,
            "unit_price": NUMBER,
            "net_amount": NUMBER,
            "tax_amount": NUMBER,
            "total_amount": NUMBER,
            "tax_rate": LINK,
            "ledger_account": LINK,
        },
    )
    assert invoice["status"] == {
        "id": "UNPAID",
        "displayed_as": "Unpaid",
        "$path": "/artefact_statuses/UNPAID",
    }
    assert invoice["updated_at"].endswith("Z") and len(invoice["updated_at"]) == 20


def test_sales_credit_note_shape(sage: flow.Sage) -> None:
    body = {"contact_id": HARBOUR, "date": "2026-05-12", "credit_note_lines": [line()]}
    note = sage.post("sales_credit_notes", {"sales_credit_note": body}).json()
    assert_shape(
        note,
        LINK
        | {
            "credit_note_number": str,
            "contact": LINK,
            "date": str,
            "status": LINK,
            "total_amount": NUMBER,
            "outstanding_amount": NUMBER,
            "credit_note_lines": list,
        },
    )


def test_contact_payment_shape(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    payment = pay(sage, invoice["id"], 100.0)
    assert_shape(
        payment,
        LINK
        | {
            "transaction_type": LINK,
            "contact": LINK,
            "bank_account": LINK,
            "payment_method": LINK,
            "date": str,
            "total_amount": NUMBER,
            "reference": str,
            "allocated_artefacts": list,
        },
    )
    assert_shape(payment["allocated_artefacts"][0], {"id": str, "artefact": LINK, "amount": NUMBER})


def test_ledger_account_and_tax_rate_shapes(sage: flow.Sage) -> None:
    [account, *_] = sage.get("ledger_accounts", {"attributes": "all"}).json()["$items"]
    assert_shape(
        account,
        LINK
        | {
            "name": str,
            "display_name": str,
            "nominal_code": int,
            "ledger_account_type": LINK,
            "ledger_account_group": {"id": str},
            "included_in_chart": bool,
            "visible_in_sales": bool,
        },
    )
    rate = sage.get("tax_rates/GB_STANDARD").json()
    assert_shape(
        rate,
        LINK
        | {
            "name": str,
            "percentage": NUMBER,
            "percentages": list,
            "is_visible": bool,
            "is_combined_rate": bool,
        },
    )
    assert rate["displayed_as"] == "Standard 20.00%" and rate["percentage"] == 20.0
