"""Issue 5's Sage walk-through in a real browser, with a real Celery worker running
Sync Now: connect through the Sage sandbox, pick the business, map, issue, sync, see the
draft in the sandbox console, and a part-payment recorded there come back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from config.celery import app as celery_app
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.accounting.providers.sage.conftest import sage_sandbox  # noqa: F401 - a fixture
from tests.e2e.conftest import screenshot
from tests.e2e.sync_outcome import assert_card_synced
from tests.e2e.test_accounting_sync import a_sterling_draft, issue
from tests.e2e.test_integrations_page import sign_in
from tests.workers import start_worker

pytestmark = pytest.mark.e2e


def sage_card(page: Page) -> Any:
    return page.locator('[data-slug="sage"]')


@pytest.fixture
def sage_worker(live_server: Any, sage_sandbox: str, settings: Any) -> Iterator[None]:  # noqa: F811
    """A worker on the default queue, pointed at the test database and the sandbox; the
    browser comes back to the live server, so that is the registered redirect URI."""
    settings.SANDBOX_SAGE_REDIRECT_URIS = [
        f"{live_server.url}/settings/integrations/sage/callback/"
    ]
    celery_app.control.purge()
    worker = start_worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url)
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def connect_demo_hire(page: Page) -> None:
    sage_card(page).get_by_role("button", name="Connect").click()
    page.get_by_role("button", name="Sign in").click()  # as Sandy Sandbox, preselected
    expect(page.get_by_role("heading", level=1)).to_contain_text("wants access")
    page.get_by_role("button", name="Allow access").click()
    # Sandy has two businesses: Patchbay asks which one this organisation syncs with.
    page.get_by_label("Demo Hire Ltd").check()
    page.get_by_role("button", name="Connect this organisation").click()
    expect(sage_card(page).get_by_test_id("badge")).to_have_text("Connected")


def set_up_mappings(page: Page) -> None:
    sage_card(page).get_by_role("link", name="Set up mappings").click()
    # The worker fetches the chart after Connect; the page polls until it is there.
    expect(page.get_by_role("button", name="Save mappings")).to_be_visible(timeout=60_000)
    selects = page.locator("form select")
    for n in range(selects.count()):
        selects.nth(n).select_option(index=1)  # the first real choice from Sage's chart
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator(".messages")).to_contain_text("Mappings saved")


def sync_now_and_wait(page: Page) -> None:
    sage_card(page).get_by_role("button", name="Sync Now").click()
    expect(sage_card(page).get_by_test_id("badge")).to_have_text("Syncing")
    expect(sage_card(page).get_by_role("button", name="Sync Now")).to_be_visible(timeout=120_000)


def assert_synced(page: Page) -> None:
    assert_card_synced(sage_card(page), "sage")


def test_manager_connects_sage_maps_issues_syncs_and_a_part_payment_comes_back(
    page: Page, live_server: Any, sage_worker: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    connect_demo_hire(page)
    expect(sage_card(page).get_by_test_id("also-badge")).to_have_text("Needs mappings")
    set_up_mappings(page)
    number = issue(page, base, a_sterling_draft())

    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)
    assert_synced(page)
    screenshot(page, "sage-sync-done")

    console = page.context.new_page()
    console.goto(f"{base}/sandbox/sage/console/?business={DEMO_HIRE_UK}")
    console.get_by_label("Find by number or reference").fill(number)
    console.get_by_role("button", name="Find").click()
    row = console.locator("tr", has_text=number)
    expect(row).to_contain_text("Draft")
    row.get_by_role("link").click()
    console.get_by_role("button", name="Release invoice").click()
    console.get_by_label("Payment amount").fill("10.00")
    console.get_by_role("button", name="Record payment").click()
    expect(console.locator("tr", has_text=number)).to_contain_text("Part")
    screenshot(console, "sage-console-payment")

    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)
    page.goto(f"{base}/invoices/?status=partially_paid")
    expect(page.locator("table")).to_contain_text(number)
