"""The WordPress settings in Chromium: the demo owner sets up the website from its card,
generates the website key and copies it, adds an allowed domain (after a mistyped one),
chooses the categories and an item to hide, and picks the calendar mode."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from apikeys import tokens
from apikeys.models import WebsiteKey
from operations.demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings

pytestmark = pytest.mark.e2e


def test_owner_sets_up_the_website_key_domains_categories_and_mode(
    page: Page, live_server: Any, transactional_db: None, csp_violations: list[str]
) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server.url, "owner@demo.test", DEMO_PASSWORD)
    card = page.locator('[data-slug="wordpress"]')
    expect(card.get_by_test_id("badge")).to_have_text("Not set up")
    card.get_by_role("link", name="Set up").click()
    expect(page.get_by_role("heading", name="WordPress plugin", exact=True)).to_be_visible()

    # The key: generated, shown once, copied.
    page.get_by_role("button", name="Generate website key").click()
    secret = page.get_by_test_id("new-secret").input_value()
    assert tokens.well_formed(secret, tokens.WEBSITE_PREFIX)
    copy = page.locator('[data-copy="new-secret"]')
    # The copy script is deferred: click once the page has loaded it, as a person would
    # (a click under load came before the handler existed, and the button said nothing).
    page.wait_for_load_state("load")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    screenshot(page, "wordpress-key-generated")
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_test_id("website-key")).to_contain_text(f"{secret[:9]}…{secret[-4:]}")
    expect(page.get_by_test_id("website-standing")).to_contain_text("Waiting for first call")
    assert secret not in page.content()  # shown once only

    # A domain: a mistyped one is explained and kept, then the right one is listed.
    domain = page.get_by_role("textbox", name="Domain")
    domain.fill("https://www.demorentals.example/hire")
    page.get_by_role("button", name="Add domain").click()
    expect(page.get_by_text("An origin has no path")).to_be_visible()
    expect(page.get_by_role("textbox", name="Domain")).to_have_value(
        "https://www.demorentals.example/hire"
    )
    page.get_by_role("textbox", name="Domain").fill("WWW.DemoRentals.example")
    page.get_by_role("button", name="Add domain").click()
    expect(page.get_by_text("https://www.demorentals.example added to the allowed")).to_be_visible()
    expect(page.get_by_test_id("origin-list")).to_contain_text("https://www.demorentals.example")

    # Categories: Video off; the internal Workshop cannot be ticked.
    expect(page.get_by_label("Workshop")).to_be_disabled()
    page.get_by_label("Video").uncheck()
    page.get_by_role("button", name="Save categories").click()
    expect(
        page.get_by_text("The website now shows 3 categories: Audio, Lighting, Staging.")
    ).to_be_visible()

    # An item of Lighting hidden on the category's own page.
    page.get_by_role("link", name="4 items in Lighting").click()
    page.get_by_label("Hide Hazebase Classic hazer").check()
    page.get_by_role("button", name="Save hidden items").click()
    expect(page.get_by_text("Lighting: 1 item hidden from the website")).to_be_visible()

    # The calendar mode.
    page.get_by_label("Availability calendar").check()
    page.get_by_role("button", name="Save display mode").click()
    expect(
        page.get_by_text("The website now shows availability as “Availability calendar”")
    ).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "wordpress-settings-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    site = WebsiteSettings.objects.get(organisation__name="Demo Rentals")
    assert site.display_mode == WebsiteSettings.DisplayMode.CALENDAR
    assert set(site.shown_categories.values_list("name", flat=True)) == {
        "Audio",
        "Lighting",
        "Staging",
    }
    assert set(site.hidden_items.values_list("name", flat=True)) == {
        "Allen & Heath dLive S5000 console",
        "Hazebase Classic hazer",
    }
    assert list(AllowedOrigin.objects.values_list("origin", flat=True)) == [
        "https://www.demorentals.example"
    ]
    assert WebsiteKey.objects.get(revoked_at__isnull=True).key_hash == tokens.digest(secret)
    assert csp_violations == []
