"""Browser steps of the QuickBooks walk-throughs, small enough to string together:
connect and map QuickBooks, approve a purchase order and a timesheet, map a crew member
to an employee, Sync Now, and find what was sent in the sandbox console."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from sandbox.quickbooks.seed import SANDBOX_USER
from tests.e2e.sync_outcome import assert_card_synced


def quickbooks_card(page: Page) -> Any:
    return page.locator('[data-slug="quickbooks"]')


def connect_quickbooks(page: Page, base: str, company: str) -> None:
    """From the Integrations page, through the sandbox's consent, to ``company``."""
    page.goto(f"{base}/settings/integrations/")
    quickbooks_card(page).get_by_role("button", name="Connect").click()
    page.get_by_label("Sandbox user").select_option(value=SANDBOX_USER)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(company).check()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(quickbooks_card(page)).to_contain_text(company)


def map_accounts(page: Page) -> None:
    """Every account mapping to the company's first choice (fetched by the worker)."""
    quickbooks_card(page).get_by_role("link", name="Set up mappings").click()
    expect(page.get_by_role("button", name="Save mappings")).to_be_visible(timeout=60_000)
    selects = page.locator("form select")
    for n in range(selects.count()):
        selects.nth(n).select_option(index=1)
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator(".messages")).to_contain_text("Mappings saved")


def approve_timesheet(page: Page, base: str, notes: str) -> str:
    """Approve the submitted entry whose notes say ``notes``; returns its number."""
    page.goto(f"{base}/timesheets/approvals/")
    row = page.get_by_test_id("timesheet-row").filter(has_text=notes)
    number = row.locator("td").first.inner_text().strip()
    row.get_by_role("button", name=f"Approve {number}").click()
    expect(page.locator(".messages")).to_contain_text(f"Timesheet {number}")
    expect(page.get_by_test_id("approved-timesheets")).to_contain_text(number)
    return number


def open_crew_page(page: Page, base: str) -> None:
    """From the mappings page, its link to Crew in QuickBooks; waits for the employees."""
    page.goto(f"{base}/settings/accounting/mappings/")
    page.get_by_test_id("crew-link").get_by_role("link").click()
    expect(page.get_by_role("button", name="Save crew")).to_be_visible(timeout=60_000)


def map_crew_member(page: Page, member: str, person: str) -> None:
    """On the crew page: ``member`` (a Patchbay name) as ``person`` (an option's label)."""
    page.get_by_label(member).select_option(label=person)
    page.get_by_role("button", name="Save crew").click()
    expect(page.locator(".messages")).to_contain_text("Crew saved")


def approve_purchase_order(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/purchase-orders/")
    page.get_by_role("link", name=number, exact=True).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Purchase order {number} approved")
    expect(page.get_by_test_id("purchase-order-status")).to_have_text("Approved")


def sync_now(page: Page, base: str) -> None:
    """Sync Now on the card; waits for the worker's run to end, and for it to succeed."""
    page.goto(f"{base}/settings/integrations/")
    quickbooks_card(page).get_by_role("button", name="Sync Now").click()
    expect(quickbooks_card(page).get_by_role("button", name="Sync Now")).to_be_visible(
        timeout=60_000
    )
    assert_card_synced(quickbooks_card(page), "quickbooks")


def console(page: Page, base: str, realm: str) -> Page:
    """The QuickBooks sandbox console of ``realm``, in a tab of its own."""
    tab = page.context.new_page()
    tab.goto(f"{base}/sandbox/quickbooks/console/?realm={realm}")
    return tab


def purchase_order_in_console(tab: Page, number: str) -> Any:
    """The console's row of the purchase order Patchbay sent for order ``number``."""
    row = tab.get_by_test_id("qbo-purchase-order").filter(has_text=number)
    expect(row).to_be_visible()
    return row


def time_activity_in_console(tab: Page, number: str) -> Any:
    """The console's row of the time activity Patchbay sent for timesheet ``number``."""
    row = tab.get_by_test_id("qbo-time-activities").locator("tr", has_text=number)
    expect(row).to_be_visible()
    return row
