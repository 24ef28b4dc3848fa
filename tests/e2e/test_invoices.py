from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from operations.models import Invoice
from tests import factories
from tests.conftest import Tenants
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in

pytestmark = pytest.mark.e2e


def test_bookkeeper_issues_an_invoice_and_records_a_partial_then_full_payment(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    draft = factories.make_invoice(tenants.alpha, unit_price=Decimal("100.00"))
    sign_in(page, live_server.url, tenants.bookkeeper.email)
    page.goto(f"{live_server.url}/invoices/{draft.pk}/")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator(".messages")).to_contain_text("INV-0001")

    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("Amount").fill("500.00")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".field-error")).to_be_visible()  # more than is due: refused
    screenshot(page, "payment-error")

    page.get_by_label("Amount").fill("20.00")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Partially paid").first).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.PARTIALLY_PAID
    assert draft.amount_due == Decimal("100.00")

    page.get_by_role("link", name="Record a payment").click()
    page.get_by_role("button", name="Record payment").click()  # the amount defaults to what's due
    expect(page.get_by_text("Paid", exact=True).first).to_be_visible()
    screenshot(page, "invoice-paid")
    draft.refresh_from_db()
    assert (draft.status, draft.amount_due) == (Invoice.Status.PAID, Decimal("0.00"))

    page.goto(f"{live_server.url}/invoices/")
    expect(page.get_by_role("link", name="INV-0001")).to_be_visible()
    screenshot(page, "invoice-list")
