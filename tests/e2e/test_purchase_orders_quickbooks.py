"""A purchase order in a real browser, with a real Celery worker running Sync Now: a
manager approves a sub-hire purchase order, syncs QuickBooks, and finds it in the
QuickBooks sandbox console. The steps are small functions so that other flows (the
timesheet one) can string them together."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sandbox.quickbooks.seed import SANDBOX_USER, UK_REALM
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_quickbooks_sync import card, quickbooks_world, sync_now_and_wait

pytestmark = pytest.mark.e2e
__all__ = ["quickbooks_world"]  # the fixture, used here by name


def connect_quickbooks(page: Page, company: str = "Canal Side Hire Ltd") -> None:
    """On the Integrations page: Connect, sign in at the sandbox, pick the company."""
    card(page).get_by_role("button", name="Connect").click()
    page.get_by_label("Sandbox user").select_option(value=SANDBOX_USER)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(company).check()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(card(page)).to_contain_text(company)


def map_every_account(page: Page) -> None:
    """From the card: the mappings page, each choice set to the company's first one."""
    card(page).get_by_role("link", name="Set up mappings").click()
    # The worker fetches the chart after Connect; the page polls until it is there.
    expect(page.get_by_role("button", name="Save mappings")).to_be_visible(timeout=60_000)
    selects = page.locator("form select")
    for n in range(selects.count()):
        selects.nth(n).select_option(index=1)
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator(".messages")).to_contain_text("Mappings saved")


def approve_purchase_order(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/purchase-orders/")
    page.get_by_role("link", name=number, exact=True).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Purchase order {number} approved")
    expect(page.get_by_test_id("purchase-order-status")).to_have_text("Approved")


def sync_quickbooks(page: Page, base: str) -> None:
    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)
    expect(card(page).get_by_test_id("card-sync")).to_contain_text("Synced ")


def purchase_order_in_console(page: Page, base: str, number: str, realm: str = UK_REALM) -> None:
    """The order as the bookkeeper sees it in the QuickBooks sandbox console."""
    console = page.context.new_page()
    console.goto(f"{base}/sandbox/quickbooks/console/?realm={realm}")
    row = console.get_by_test_id("qbo-purchase-order").filter(has_text=number)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Northern Backline Hire Ltd")
    screenshot(console, "quickbooks-console-purchase-order")
    console.close()


def test_manager_approves_a_purchase_order_and_finds_it_in_quickbooks(
    page: Page, live_server: Any, quickbooks_world: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    connect_quickbooks(page)
    map_every_account(page)
    approve_purchase_order(page, base, "PO-0002")  # the demo's draft
    sync_quickbooks(page, base)
    purchase_order_in_console(page, base, "PO-0002")
