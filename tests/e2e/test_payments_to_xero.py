"""Issue 14 in a real browser: invoices pushed approved, a part-payment recorded in
Patchbay reaches Xero (the sandbox console shows it and the amount still due)."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.e2e.conftest import screenshot
from tests.e2e.test_accounting_sync import (
    a_sterling_draft,
    issue,
    set_up_mappings,
    sync_now_and_wait,
    sync_worker,
)
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_xero_connect import consent_to, xero_card

pytestmark = pytest.mark.e2e
__all__ = ["sync_worker"]  # the fixture, shared with the accounting sync walk-through


def choose_to_push_approved_from_today(page: Page) -> None:
    xero_card(page).get_by_role("link", name="Push choices").click()
    page.get_by_label("Approved, ready to be paid").check()
    page.get_by_label("Sync start date").fill("2999-01-01")  # refused, nothing lost
    page.get_by_role("button", name="Save push choices").click()
    expect(page.locator(".field-error")).to_contain_text("can't be in the future")
    expect(page.get_by_label("Approved, ready to be paid")).to_be_checked()
    page.get_by_label("Sync start date").fill(date.today().isoformat())
    page.get_by_role("button", name="Save push choices").click()
    expect(page.locator(".messages")).to_contain_text("Push choices for Xero saved")


def test_a_part_payment_recorded_in_patchbay_shows_in_xero_with_the_amount_due(
    page: Page, live_server: Any, sync_worker: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    xero_card(page).get_by_role("button", name="Connect").click()
    consent_to(page, "Demo Company (UK)")
    set_up_mappings(page)
    page.goto(f"{base}/settings/integrations/")
    choose_to_push_approved_from_today(page)
    number = issue(page, base, a_sterling_draft())  # 250.00 + 20% VAT = 300.00
    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)

    page.goto(f"{base}/invoices/")
    page.get_by_role("link", name=number).first.click()
    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("Amount").fill("120.00")
    page.get_by_label("Date received").fill(date.today().isoformat())
    page.get_by_label("Reference").fill("BACS E2E-1")
    page.get_by_role("button", name="Record payment").click()
    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)

    console = page.context.new_page()
    console.goto(f"{base}/sandbox/xero/console/?tenant={DEMO_COMPANY_UK}")
    console.get_by_label("Find by number or reference").fill(number)
    console.get_by_role("button", name="Find").click()
    # Xero numbers invoices itself: find Patchbay's by its Reference (second column).
    reference = console.locator("td:nth-child(2)", has_text=number)
    row = console.locator("tbody tr").filter(has=reference)
    expect(row).to_contain_text("AUTHORISED")
    row.get_by_role("link").click()
    expect(console.locator("body")).to_contain_text("amount due 180.00")
    expect(console.locator("body")).to_contain_text("120.00 into")
    screenshot(console, "sandbox-console-patchbay-payment")
