"""Issue 4's walk-through in a real browser, with a real Celery worker running Sync Now."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from operations.models import Customer, Invoice
from sandbox.xero.seed import DEMO_COMPANY_UK
from tenancy.models import Organisation
from tests import factories
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_xero_connect import consent_to, xero_card
from tests.workers import running_worker

pytestmark = pytest.mark.e2e


@pytest.fixture
def sync_worker(live_server: Any, xero_sandbox: str) -> Iterator[None]:
    """A worker on the default queue, pointed at the test database and the sandbox."""
    with running_worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url):
        yield


def set_up_mappings(page: Page) -> None:
    xero_card(page).get_by_role("link", name="Set up mappings").click()
    # The worker fetches the chart after Connect; the page polls until it is there.
    expect(page.get_by_role("button", name="Save mappings")).to_be_visible(timeout=60_000)
    selects = page.locator("form select")
    for n in range(selects.count()):
        selects.nth(n).select_option(index=1)  # the first real choice from Xero's live chart
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator(".messages")).to_contain_text("Mappings saved")


def a_sterling_draft() -> Invoice:
    """The demo's own drafts are in euros, which the sandbox organisation (like a real
    one) refuses until it subscribes to the currency."""
    organisation = Organisation.objects.get(slug="demo-rentals")
    customer = Customer.objects.filter(organisation=organisation, currency="GBP").first()
    return factories.make_invoice(organisation, customer, unit_price=Decimal("250.00"))


def issue(page: Page, base: str, draft: Invoice) -> str:
    page.goto(f"{base}/invoices/{draft.pk}/")
    page.get_by_role("button", name="Issue invoice").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    return heading.split()[1]  # "Invoice INV-0007 Issued"


def sync_now_and_wait(page: Page) -> None:
    xero_card(page).get_by_role("button", name="Sync Now").click()
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Syncing")
    expect(xero_card(page).get_by_role("button", name="Sync Now")).to_be_visible(timeout=60_000)


def test_manager_maps_issues_syncs_and_a_payment_comes_back(
    page: Page, live_server: Any, sync_worker: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    xero_card(page).get_by_role("button", name="Connect").click()
    consent_to(page, "Demo Company (UK)")
    expect(xero_card(page).get_by_test_id("also-badge")).to_have_text("Needs mappings")
    set_up_mappings(page)
    number = issue(page, base, a_sterling_draft())

    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)
    expect(xero_card(page).get_by_test_id("card-sync")).to_contain_text("Synced ")
    screenshot(page, "sync-done")

    console = page.context.new_page()
    console.goto(f"{base}/sandbox/xero/console/?tenant={DEMO_COMPANY_UK}")
    console.get_by_label("Find by number or reference").fill(number)
    console.get_by_role("button", name="Find").click()
    row = console.locator("tr", has_text=number)
    expect(row).to_contain_text("DRAFT")
    row.get_by_role("link").click()
    console.get_by_role("button", name="Authorise invoice").click()
    console.get_by_label("Payment amount").fill("10.00")
    console.get_by_role("button", name="Record payment").click()
    screenshot(console, "sandbox-console-payment")

    sync_now_and_wait(page)
    page.goto(f"{base}/invoices/?status=partially_paid")
    expect(page.locator("table")).to_contain_text(number)
