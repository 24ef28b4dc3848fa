"""The Integrations page's cards in a browser: badges inside their card at every width,
the providers' marks loaded, the favicon served."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import FloatRect, Page, expect

from tests.conftest import Tenants
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.integrations.helpers import make_connection

pytestmark = pytest.mark.e2e

# A phone, a tablet (two columns), a small laptop (three narrow columns), a laptop.
WIDTHS = (390, 800, 1000, 1366)


def outside(inner: FloatRect, outer: FloatRect) -> bool:
    return (
        inner["x"] < outer["x"] - 0.5
        or inner["x"] + inner["width"] > outer["x"] + outer["width"] + 0.5
    )


def test_badges_stay_inside_their_cards_at_every_width(
    page: Page, live_server: Any, tenants: Tenants, transactional_db: None
) -> None:
    # Connected but unmapped: the card carries two badges, Connected and Needs mappings.
    make_connection(tenants.alpha, remote_name="Harbour Build and Events Ltd")
    sign_in(page, live_server.url, tenants.owner.email)
    xero = page.locator('[data-slug="xero"]')
    expect(xero.get_by_test_id("also-badge")).to_have_text("Needs mappings")
    cards = page.get_by_test_id("integration-card")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for i in range(cards.count()):
            card = cards.nth(i)
            box = card.bounding_box()
            assert box is not None
            badges = card.locator(".badge")
            for j in range(badges.count()):
                badge = badges.nth(j).bounding_box()
                assert badge is not None
                slug = card.get_attribute("data-slug")
                assert not outside(badge, box), f"a badge leaves the {slug} card at {width} px"
        screenshot(page, f"cards-{width}")


def test_each_card_shows_its_providers_mark_and_the_favicon_is_served(
    page: Page, live_server: Any, tenants: Tenants, transactional_db: None
) -> None:
    sign_in(page, live_server.url, tenants.owner.email)
    marks = page.get_by_test_id("mark")
    expect(marks).to_have_count(page.get_by_test_id("integration-card").count())
    for i in range(marks.count()):
        mark = marks.nth(i)
        loaded = mark.evaluate("image => image.complete && image.naturalWidth > 0")
        assert loaded, f"{mark.get_attribute('src')} did not load"
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon == "/static/favicon.svg"
    served = page.request.get(f"{live_server.url}/favicon.ico")
    assert served.ok and served.headers["content-type"].startswith("image/svg+xml")
    assert served.url.endswith("/static/favicon.svg")
    assert b"<svg" in served.body()
