"""Sub-hire and crew time to QuickBooks in a real browser, with a real Celery worker
running Sync Now: a manager approves a purchase order and a timesheet, maps the crew
member on the crew page (which lists the sandbox company's employees), syncs, and finds
both in the QuickBooks sandbox console."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sandbox.quickbooks.seed import UK_REALM
from tests.e2e import quickbooks_steps as steps
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_quickbooks_sync import quickbooks_world

pytestmark = pytest.mark.e2e
__all__ = ["quickbooks_world"]  # the fixture, used here by name


def test_a_manager_approves_a_purchase_order_and_a_timesheet_and_both_reach_quickbooks(
    page: Page, live_server: Any, quickbooks_world: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    steps.connect_quickbooks(page, base, "Canal Side Hire Ltd")
    steps.map_accounts(page)

    steps.approve_purchase_order(page, base, "PO-0002")  # the demo's draft
    number = steps.approve_timesheet(page, base, "Load-in")
    steps.open_crew_page(page, base)
    for employee in ("Ada Rigby", "Ben Soundman", "Cleo Lumen"):
        expect(page.get_by_label("Callum Price")).to_contain_text(f"{employee} (employee)")
    steps.map_crew_member(page, "Callum Price", "Ben Soundman (employee)")
    screenshot(page, "quickbooks-crew-mapped")

    steps.sync_now(page, base)
    console = steps.console(page, base, UK_REALM)
    order = steps.purchase_order_in_console(console, "PO-0002")
    expect(order).to_contain_text("Northern Backline Hire Ltd")
    row = steps.time_activity_in_console(console, number)
    expect(row).to_contain_text("Ben Soundman")
    expect(row).to_contain_text("Riverside Arts Festival")
    expect(row).to_contain_text("8 h 30 min")
    screenshot(console, "quickbooks-console-purchase-order-and-time")
    console.close()

    page.goto(f"{base}/timesheets/approvals/")
    expect(page.get_by_test_id("approved-timesheets")).to_contain_text("In QuickBooks Online")
