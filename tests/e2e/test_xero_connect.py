"""Connecting Xero through the sandbox's consent screen, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from integrations.models import Connection
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in

pytestmark = pytest.mark.e2e
DEMO_PASSWORD = "patchbay-demo"


def xero_card(page: Page) -> Any:
    return page.locator('[data-slug="xero"]')


def consent_to(page: Page, organisation: str) -> None:
    """The sandbox's screens: sign in as the sandbox user, tick one organisation."""
    if page.get_by_role("button", name="Sign in").count():
        page.get_by_label("Sandbox user", exact=True).select_option(
            label="Sandy Sandbox <sandbox.user@xero.test>"
        )
        page.get_by_role("button", name="Sign in").click()
    page.get_by_label(organisation).check()
    page.get_by_role("button", name="Allow access").click()


def test_manager_connects_the_second_organisation_disconnects_and_reconnects(
    page: Page, browser: Browser, live_server: Any, xero_sandbox: str
) -> None:
    call_command("seed_demo", stdout=None)
    sign_in(page, live_server.url, "manager@demo.test", DEMO_PASSWORD)
    xero_card(page).get_by_role("button", name="Connect").click()
    consent_to(page, "Harbour Build Ltd")

    expect(page).to_have_url(
        f"{live_server.url}/settings/integrations/?xero=connected&org=Harbour+Build+Ltd"
    )
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Connected")
    expect(xero_card(page)).to_contain_text("Harbour Build Ltd")
    screenshot(page, "xero-connected")
    first_id = Connection.objects.get().pk

    xero_card(page).get_by_role("link", name="Disconnect").click()
    expect(page.get_by_test_id("disconnect-kept")).to_contain_text("Nothing is deleted")
    page.get_by_role("button", name="Disconnect Harbour Build Ltd").click()
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Not Connected")

    xero_card(page).get_by_role("button", name="Connect").click()
    consent_to(page, "Harbour Build Ltd")
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Connected")
    assert Connection.objects.get().pk == first_id
    assert Connection.objects.get().state == Connection.State.CONNECTED

    books = browser.new_context().new_page()
    sign_in(books, live_server.url, "books@demo.test", DEMO_PASSWORD)
    expect(xero_card(books)).to_contain_text("Harbour Build Ltd")
    expect(xero_card(books).get_by_role("button", name="Connect")).to_have_count(0)
    expect(xero_card(books).get_by_role("link", name="Disconnect")).to_have_count(0)
    screenshot(books, "xero-bookkeeper")
    books.context.close()
