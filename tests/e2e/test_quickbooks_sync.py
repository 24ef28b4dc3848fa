"""QuickBooks in a real browser, with a real Celery worker running Sync Now: connect
through the sandbox, map, issue an invoice, see it in the sandbox console, and a partial
payment recorded there comes back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from config.celery import app as celery_app
from sandbox.quickbooks.seed import SANDBOX_USER, UK_REALM, ensure_demo_world
from tests.e2e.conftest import screenshot
from tests.e2e.sync_outcome import assert_card_synced
from tests.e2e.test_accounting_sync import a_sterling_draft, issue
from tests.e2e.test_integrations_page import sign_in
from tests.workers import start_worker

pytestmark = pytest.mark.e2e


@pytest.fixture
def quickbooks_world(live_server: Any, settings: Any, transactional_db: None) -> Iterator[None]:
    """Every QuickBooks URL at the live server's sandbox, and a worker pointed there."""
    base = f"{live_server.url}/sandbox/quickbooks"
    settings.QUICKBOOKS_AUTHORIZE_URL = f"{base}/connect/oauth2"
    settings.QUICKBOOKS_TOKEN_URL = f"{base}/oauth2/v1/tokens/bearer"
    settings.QUICKBOOKS_REVOCATION_URL = f"{base}/v2/oauth2/tokens/revoke"
    settings.QUICKBOOKS_ISSUER = f"{base}/op/v1"
    settings.QUICKBOOKS_JWKS_URL = f"{base}/op/v1/jwks"
    settings.QUICKBOOKS_API_BASE = settings.QUICKBOOKS_SANDBOX_API_BASE = base
    settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [
        f"{live_server.url}/settings/integrations/quickbooks/callback/"
    ]
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    ensure_demo_world()
    celery_app.control.purge()
    worker = start_worker(
        PATCHBAY_PUBLIC_BASE_URL=live_server.url,
        SANDBOX_QUICKBOOKS_WEBHOOK_URL="",
        SANDBOX_QUICKBOOKS_DISCONNECT_URL="",
    )
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def card(page: Page) -> Any:
    return page.locator('[data-slug="quickbooks"]')


def sync_now_and_wait(page: Page) -> None:
    card(page).get_by_role("button", name="Sync Now").click()
    expect(card(page).get_by_role("button", name="Sync Now")).to_be_visible(timeout=60_000)


def test_manager_connects_quickbooks_maps_syncs_and_a_partial_payment_comes_back(
    page: Page, live_server: Any, quickbooks_world: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    card(page).get_by_role("button", name="Connect").click()
    page.get_by_label("Sandbox user").select_option(value=SANDBOX_USER)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Canal Side Hire Ltd").check()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(card(page)).to_contain_text("Canal Side Hire Ltd")
    expect(card(page).get_by_test_id("also-badge")).to_have_text("Needs mappings")

    card(page).get_by_role("link", name="Set up mappings").click()
    # The worker fetches the chart after Connect; the page polls until it is there.
    expect(page.get_by_role("button", name="Save mappings")).to_be_visible(timeout=60_000)
    selects = page.locator("form select")
    for n in range(selects.count()):
        selects.nth(n).select_option(index=1)  # the first real choice from the company
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator(".messages")).to_contain_text("Mappings saved")
    number = issue(page, base, a_sterling_draft())

    page.goto(f"{base}/settings/integrations/")
    sync_now_and_wait(page)
    assert_card_synced(card(page), "quickbooks")
    screenshot(page, "quickbooks-sync-done")

    console = page.context.new_page()
    console.goto(f"{base}/sandbox/quickbooks/console/?realm={UK_REALM}&q={number}")
    row = console.locator("tr", has_text=number)
    expect(row).to_be_visible()
    row.get_by_role("link").click()
    console.get_by_label("Payment amount").fill("10.00")
    console.get_by_role("button", name="Record payment").click()
    screenshot(console, "quickbooks-console-payment")

    sync_now_and_wait(page)
    page.goto(f"{base}/invoices/?status=partially_paid")
    expect(page.locator("table")).to_contain_text(number)
