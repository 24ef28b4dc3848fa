"""The console over HTTP, as the person acting as the bookkeeper uses it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sandbox.quickbooks import books, controls, faults, inspect
from sandbox.quickbooks.models import QboFault
from tests.sandbox.quickbooks import flow


def post(visitor: Client, **data: Any) -> Any:
    response = visitor.post(flow.CONSOLE, {"realm": flow.US_REALM, **data}, follow=True)
    assert response.status_code == 200
    return response


def test_console_lists_and_finds_invoices(visitor: Client) -> None:
    books.create_invoice(flow.US_REALM, flow.invoice_body(DocNumber="FIND-ME", PrivateNote="RA-77"))
    page = visitor.get(flow.CONSOLE, {"realm": flow.US_REALM, "q": "ra-77"})
    assert b"FIND-ME" in page.content
    assert b"Demo hire" not in page.content
    opened = visitor.get(flow.CONSOLE, {"realm": flow.US_REALM, "invoice": "FIND-ME"})
    assert b"Save invoice" in opened.content and b"Record payment" in opened.content


def test_edit_invoice_bumps_sync_token(visitor: Client) -> None:
    before = books.invoice(flow.US_REALM, "1")
    post(
        visitor,
        action="invoice-save",
        invoice="1",
        private_note="edited in the console",
        due_date="2026-12-31",
        line_1_description="Scissor lift, three days",
        line_1_qty="3",
        line_1_unit_price="85",
    )
    after = books.invoice(flow.US_REALM, "1")
    assert after.sync_token == before.sync_token + 1
    assert after.updated_at >= before.updated_at
    assert after.data["PrivateNote"] == "edited in the console"
    assert after.data["DueDate"] == "2026-12-31"
    assert after.data["Line"][0]["Amount"] == 255.0


def test_partial_payment_in_the_console(visitor: Client) -> None:
    total = books.invoice(flow.US_REALM, "1").data["TotalAmt"]
    response = post(visitor, action="payment-record", invoice="1", amount="50.00")
    assert b"recorded" in response.content
    assert books.invoice(flow.US_REALM, "1").data["Balance"] == round(total - 50, 2)
    assert len(books.payments_of(flow.US_REALM)) == 1


def test_create_customer_and_refusal(visitor: Client) -> None:
    post(visitor, action="customer-create", display_name="Console Co", email="c@example.com")
    assert "Console Co" in [c.data["DisplayName"] for c in books.customers_of(flow.US_REALM)]
    refused = post(visitor, action="customer-create", display_name="Console Co")
    assert b"QuickBooks refused" in refused.content


def test_delete_invoice(visitor: Client) -> None:
    invoice = books.create_invoice(flow.US_REALM, flow.invoice_body())
    post(visitor, action="invoice-delete", invoice=invoice.entity_id)
    assert invoice.entity_id not in [row.entity_id for row in books.invoices_of(flow.US_REALM)]


def test_fault_form_and_recent_calls(visitor: Client, qbo: flow.Qbo) -> None:
    qbo.get("preferences")
    page = visitor.get(flow.CONSOLE)
    assert b"/preferences" in page.content
    visitor.post(flow.CONSOLE, {"action": "fault", "target": "api", "mode": "error_500"})
    assert faults.active_fault(QboFault.Target.API) is not None
    assert qbo.get("preferences").status_code == 500
    visitor.post(flow.CONSOLE, {"action": "clear-faults"})
    assert qbo.get("preferences").status_code == 200
    assert inspect.api_call_count(qbo.realm, status=500) == 0  # made-up answers are not recorded


def test_disconnect_app_button(visitor: Client, app: Client) -> None:
    tokens = controls.connect(flow.US_REALM)
    connection = controls.connection_for(flow.US_REALM)
    response = visitor.post(
        flow.CONSOLE, {"action": "disconnect", "connection": connection.pk}, follow=True
    )
    assert b"app disconnected" in response.content
    assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}


def test_multicurrency_switch(visitor: Client) -> None:
    post(visitor, action="multicurrency", enabled="1")
    assert books.company(flow.US_REALM).multicurrency is True
    assert books.entity_json(flow.US_REALM, "Preferences", "1")["CurrencyPrefs"][
        "MultiCurrencyEnabled"
    ]


def test_unknown_action_changes_nothing(visitor: Client) -> None:
    response = post(visitor, action="nope")
    assert b"Unknown action" in response.content
