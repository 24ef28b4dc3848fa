"""The console over HTTP: the bookkeeper's actions, faults and provider-side controls."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from sandbox.sage import books, faults
from sandbox.sage.models import SageContact, SageFault
from sandbox.sage.seed import DEMO_HIRE_UK, LIFFEY_STAGING_IE, SANDBOX_USER
from tests.conftest import Tenants, client_for
from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import BANK_1200, create_invoice

CONSOLE = reverse("sandbox:sage:console")


def post(client: Client, **data: object):
    return client.post(CONSOLE, data, follow=True)


def test_the_console_seeds_and_shows_the_demo_world(db: None) -> None:
    page = Client().get(CONSOLE).content.decode()
    assert "Demo Hire Ltd" in page and "Liffey Staging Ltd" in page and "Cork Event Hire" in page
    assert "Working normally" in page


def test_the_console_never_shows_patchbay_data(tenants: Tenants) -> None:
    page = client_for(tenants.owner).get(CONSOLE).content.decode()
    assert "Alpha Hire" not in page and tenants.owner.email not in page


def test_finding_and_opening_an_invoice(sage: flow.Sage, browser: Client) -> None:
    made = create_invoice(sage, reference="PB-RA-77")
    found = browser.get(CONSOLE, {"business": DEMO_HIRE_UK, "q": "PB-RA-77"}).content.decode()
    assert "SI-1" in found and "Sales invoices (1)" in found
    opened = browser.get(
        CONSOLE, {"business": DEMO_HIRE_UK, "invoice": made["id"]}
    ).content.decode()
    assert "Line 1 unit price" in opened and "Record payment" in opened


def test_editing_an_invoice_moves_updated_at_for_the_next_sync(
    sage: flow.Sage, browser: Client
) -> None:
    made = create_invoice(sage)
    line = {"line_0_description": "Lift, 6 days", "line_0_quantity": "6", "line_0_unit_price": "85"}
    response = post(
        browser,
        action="invoice-save",
        business=DEMO_HIRE_UK,
        invoice=made["id"],
        reference="PB-RA-10482",
        notes="Extended by a day",
        due_date="2026-05-25",
        **line,
    )
    assert "SI-1 saved: total 612.00" in response.content.decode()
    after = sage.get(f"sales_invoices/{made['id']}", {"mark_as_sent": "false"}).json()
    assert after["notes"] == "Extended by a day" and after["due_date"] == "2026-05-25"
    assert after["invoice_lines"][0]["description"] == "Lift, 6 days"
    assert after["updated_at"] >= made["updated_at"]


def test_recording_a_partial_then_full_payment(sage: flow.Sage, browser: Client) -> None:
    made = create_invoice(sage)
    common = {"business": DEMO_HIRE_UK, "invoice": made["id"], "bank_account": BANK_1200}
    response = post(browser, action="payment-record", amount="110", paid_on="2026-05-10", **common)
    assert "Part paid, outstanding 400.00" in response.content.decode()
    response = post(browser, action="payment-record", amount="400", paid_on="2026-05-11", **common)
    assert "Paid, outstanding 0.00" in response.content.decode()
    assert sage.get(f"sales_invoices/{made['id']}").json()["status"]["id"] == "PAID"


def test_voiding_and_deleting_from_the_console(sage: flow.Sage, browser: Client) -> None:
    made, draft = create_invoice(sage), create_invoice(sage, status_id="DRAFT")
    voided = post(browser, action="invoice-delete", business=DEMO_HIRE_UK, invoice=made["id"])
    assert "SI-1 voided." in voided.content.decode()
    post(browser, action="invoice-delete", business=DEMO_HIRE_UK, invoice=draft["id"])
    assert sage.get(f"sales_invoices/{draft['id']}").status_code == 404
    deleted = sage.get("sales_invoices", {"deleted_since": "2000-01-01T00:00:00Z"}).json()
    assert [item["id"] for item in deleted["$items"]] == [draft["id"]]


def test_a_refused_change_shows_sages_message(sage: flow.Sage, browser: Client) -> None:
    made = create_invoice(sage)
    books.record_payment(DEMO_HIRE_UK, made["id"], 10)
    response = post(
        browser, action="invoice-delete", business=DEMO_HIRE_UK, invoice=made["id"]
    ).content.decode()
    assert "Sage refused" in response


def test_creating_a_contact(browser: Client) -> None:
    response = post(
        browser,
        action="contact-create",
        business=DEMO_HIRE_UK,
        name="Quay Events",
        reference="QUAY001",
    )
    assert "Contact Quay Events (QUAY001) created in Demo Hire Ltd." in response.content.decode()
    assert SageContact.objects.filter(reference="QUAY001").exists()


def test_faults_from_the_console(sage: flow.Sage, browser: Client) -> None:
    response = post(browser, action="fault", target="api", mode="error_500", minutes="5")
    assert "Accounting API now fails: Server error (500) until" in response.content.decode()
    assert sage.get("contacts").status_code == 500
    post(browser, action="clear-faults")
    assert faults.active_fault(SageFault.Target.API) is None
    bad = browser.post(CONSOLE, {"action": "fault", "target": "api", "mode": "flaky"})
    assert bad.status_code == 400 and "Give the share of calls" in bad.content.decode()


def test_cancelling_a_subscription_and_moving_the_lead(sage: flow.Sage, browser: Client) -> None:
    post(browser, action="subscription-cancel", business=DEMO_HIRE_UK)
    assert sage.get("contacts").status_code == 401
    post(browser, action="subscription-restore", business=DEMO_HIRE_UK)
    assert sage.get("contacts").status_code == 200
    from sandbox.sage.models import SageUser

    user = SageUser.objects.get(email=SANDBOX_USER)
    post(browser, action="lead-business", business=LIFFEY_STAGING_IE, user=user.pk)
    assert sage.get("businesses/lead").json()["id"] == LIFFEY_STAGING_IE


def test_recent_api_calls_are_listed(sage: flow.Sage, browser: Client) -> None:
    sage.get("contacts")
    page = browser.get(CONSOLE).content.decode()
    assert "GET /sandbox/sage/v3.1/contacts" in page


def test_expiring_and_revoking_from_the_console(app_client: Client, browser: Client) -> None:
    body = flow.controls_tokens()
    from sandbox.sage.controls import grant_for

    grant = grant_for(SANDBOX_USER)
    post(browser, action="expire-refresh", grant=grant.pk)
    assert flow.refresh(app_client, body["refresh_token"]).json() == {"error": "invalid_grant"}
    again = flow.controls_tokens()
    post(browser, action="revoke", grant=grant.pk)
    assert flow.refresh(app_client, again["refresh_token"]).json() == {"error": "invalid_grant"}
