"""Browser steps on the throwaway WordPress site (tests/e2e/wordpress/site.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.wordpress.site import WordPressSite

SETTINGS_PATH = "/wp-admin/options-general.php?page=patchbay-availability"


def log_in_to_wordpress(page: Page, site: WordPressSite) -> None:
    """Signs in as the site's administrator (wp-login.php)."""
    page.goto(f"{site.url}/wp-login.php")
    page.fill("#user_login", site.admin_user)
    page.fill("#user_pass", site.admin_password)
    page.click("#wp-submit")
    expect(page).to_have_url(re.compile(r"/wp-admin/"))


def open_plugin_settings(page: Page, site: WordPressSite) -> None:
    """Settings > Patchbay (signed in)."""
    page.goto(f"{site.url}{SETTINGS_PATH}")
    expect(page.get_by_role("heading", name="Patchbay Availability")).to_be_visible()


def press_test_connection(page: Page, site: WordPressSite) -> str:
    """Presses "Test connection" on the plugin's settings page; returns the notice's text
    ("Connected to <organisation>. …" or "The connection failed: …")."""
    open_plugin_settings(page, site)
    page.get_by_role("button", name="Test connection").click()
    notice = page.locator(".patchbay-av-test-result")
    expect(notice).to_be_visible()
    return notice.inner_text()
