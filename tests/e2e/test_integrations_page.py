from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.conftest import Tenants
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def card_lefts(page: Page) -> set[int]:
    cards = page.locator('[data-testid="integration-card"]')
    return {round(cards.nth(i).bounding_box()["x"]) for i in range(cards.count())}  # type: ignore[index]


def test_owner_signs_in_and_sees_eight_cards_on_desktop_and_phone(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    sign_in(page, live_server.url, tenants.owner.email)
    expect(page).to_have_url(f"{live_server.url}/settings/integrations/")
    cards = page.locator('[data-testid="integration-card"]')
    expect(cards).to_have_count(8)
    expect(page.get_by_test_id("badge").first).to_have_text("Not Connected")
    assert page.evaluate("typeof window.htmx") == "object"  # vendored htmx loaded offline

    page.set_viewport_size(DESKTOP)
    assert screenshot(page, "integrations-desktop").stat().st_size > 0
    assert len(card_lefts(page)) == 3

    page.set_viewport_size(PHONE)
    assert screenshot(page, "integrations-phone").stat().st_size > 0
    assert len(card_lefts(page)) == 1


def test_wrong_password_shows_a_message_that_reveals_nothing(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    sign_in(page, live_server.url, tenants.owner.email, "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")


def test_crew_is_refused_the_integrations_page_but_has_a_profile(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    sign_in(page, live_server.url, tenants.crew.email)
    expect(page).to_have_url(f"{live_server.url}/settings/profile/")
    own = page.get_by_test_id("own-connections")
    expect(own.get_by_role("button", name="Connect")).to_have_count(2)  # Google, Outlook
    expect(own.get_by_role("link", name="Connect")).to_have_count(1)  # iCloud's own page
    page.goto(f"{live_server.url}/settings/integrations/")
    expect(page.get_by_role("heading", name="You can't open this page")).to_be_visible()


def test_page_starts_with_a_skip_link_then_the_navigation_for_keyboard_users(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    sign_in(page, live_server.url, tenants.manager.email)
    expect(page).to_have_url(f"{live_server.url}/settings/integrations/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Integrations", exact=True)).to_be_focused()
