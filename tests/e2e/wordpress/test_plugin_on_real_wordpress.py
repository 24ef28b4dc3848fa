"""The plugin on a real WordPress (Debian's package, MariaDB, php -S), installed from its
zip, against a stand-in that follows Patchbay's public API contract, seen in Chromium.

The final issue-15 test swaps the stand-in for Patchbay's live server: the harness
(tests/e2e/wordpress/site.py) takes the Patchbay URL, the key and the zip's bytes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.wordpress.conftest import new_website_key
from tests.e2e.wordpress.site import WordPressSite, wordpress_site
from tests.e2e.wordpress.standin_patchbay import (
    HIDDEN_CATEGORY,
    HIDDEN_ITEM_NAME,
    HOSTILE_NAME,
    ORGANISATION,
    StandinPatchbay,
    standin_patchbay,
)
from tests.e2e.wordpress.steps import (
    log_in_to_wordpress,
    open_plugin_settings,
    press_test_connection,
)
from wordpress_bridge.plugin_zip import build_plugin_zip

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("wordpress-plugin")]

FRIENDLY = "Equipment availability cannot be shown right now."
CACHE_SECONDS = 5
# Each page is first rendered by one test only, so no test reads another's cached answer.
PAGES = {
    "list": "[patchbay_availability]",
    "labels": f'[patchbay_availability from="{date.today().isoformat()}"]',
    "calendar": '[patchbay_availability item="12"]',
    "categories": '[patchbay_availability view="categories"]',
    "outage": '[patchbay_availability category="4"]',
    "expiry": '[patchbay_availability item="20"]',
    # The block, as the block editor saves it (attributes in the comment).
    "block": "<!-- wp:patchbay/availability "
    + json.dumps({"category": "4", "from": date.today().isoformat()})
    + " /-->",
}


@pytest.fixture(scope="module")
def standin() -> Iterator[StandinPatchbay]:
    with standin_patchbay(new_website_key()) as state:
        yield state


@pytest.fixture(scope="module")
def site(wordpress_ready: None, standin: StandinPatchbay) -> Iterator[WordPressSite]:
    with wordpress_site(
        plugin_zip=build_plugin_zip(),
        patchbay_url=standin.url,
        website_key=standin.key,
        pages=PAGES,
        cache_ttl=CACHE_SECONDS,
        error_ttl=CACHE_SECONDS,
    ) as running:
        yield running


@pytest.fixture
def fresh_standin(standin: StandinPatchbay) -> StandinPatchbay:
    standin.display_mode = "quantities"
    standin.failure_status = None
    standin.retry_after = None
    return standin


def availability_calls(standin: StandinPatchbay) -> int:
    return len(standin.calls_to("availability"))


def reload_until(page: Page, url: str, condition: Callable[[str], bool], seconds: float) -> str:
    """Reloads ``url`` until its HTML meets ``condition`` (a cache lifetime passing)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        html = page.content()
        if condition(html) or time.monotonic() > deadline:
            return html
        page.wait_for_timeout(500)


def test_the_page_shows_the_visible_categories_and_their_availability(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    page.goto(site.pages["list"])

    expect(page.get_by_role("heading", name="Lighting")).to_be_visible()
    expect(page.get_by_role("heading", name="Sound")).to_be_visible()
    source_four = page.locator(".patchbay-av__item", has_text="ETC Source Four 750W")
    expect(source_four).to_contain_text("4 of 10 available")
    expect(page.locator(".patchbay-av__item", has_text="Shure SM58")).to_contain_text(
        "0 of 6 available"
    )
    # The hostile name is text on the page, and nothing in it ran.
    expect(page.locator(".patchbay-av__item", has_text="Hazer")).to_contain_text(HOSTILE_NAME)
    assert page.evaluate("window.patchbayPwned") is None
    html = page.content()
    assert HIDDEN_CATEGORY not in html and HIDDEN_ITEM_NAME not in html
    assert fresh_standin.key not in html and fresh_standin.key[5:] not in html
    # The stylesheet comes with the shortcode.
    assert page.locator("link#patchbay-availability-css").count() == 1

    calls = fresh_standin.calls_to("availability")
    assert len(calls) == 1
    request = calls[0]
    assert request.headers["authorization"] == f"Bearer {fresh_standin.key}"
    assert request.query == {}
    assert re.fullmatch(
        rf"PatchbayAvailability/0\.1\.0 \(WordPress/6\.\d+(\.\d+)?; {re.escape(site.url)}\)",
        request.headers["user-agent"],
    ), request.headers["user-agent"]

    screenshot(page, "wordpress/list-1280")
    page.reload()
    expect(source_four).to_contain_text("4 of 10 available")
    assert availability_calls(fresh_standin) == 1  # the second view came from the cache


def test_label_mode_shows_labels_and_no_quantities(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    fresh_standin.display_mode = "labels"
    page.goto(site.pages["labels"])

    statuses = page.locator(".patchbay-av__status")
    expect(statuses).to_have_count(3)
    assert sorted(statuses.all_inner_texts()) == ["In stock", "In stock", "Out of stock"]
    expect(page.locator(".patchbay-av__item", has_text="Shure SM58")).to_contain_text(
        "Out of stock"
    )
    assert " of 10" not in page.content() and " of 6" not in page.content()


def test_calendar_mode_shows_a_month_of_days_and_fits_a_phone(
    browser: Browser, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    fresh_standin.display_mode = "calendar"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(site.pages["calendar"])

        expect(page.get_by_role("heading", name="ETC Source Four 750W")).to_be_visible()
        days = page.locator("td.patchbay-av__day[data-date]")
        expect(days).to_have_count(31)
        first = days.first
        expect(first).to_have_attribute("data-date", re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        states = {
            cls
            for cls in (days.nth(i).get_attribute("class") or "" for i in range(31))
            for cls in cls.split()
        }
        assert {"is-available", "is-limited", "is-unavailable"} <= states
        expect(page.locator(".patchbay-av__month caption").first).to_be_visible()
        month_call = fresh_standin.calls_to("availability")[-1]
        assert month_call.query["item"] == ["12"] and "to" in month_call.query

        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(page, "wordpress/calendar-390")
        assert overflow <= 0, f"the calendar scrolls sideways by {overflow}px at 390px"
    finally:
        context.close()


def test_the_categories_view_lists_categories_with_item_counts(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    page.goto(site.pages["categories"])

    expect(page.locator(".patchbay-av__category", has_text="Lighting")).to_contain_text("2 items")
    expect(page.locator(".patchbay-av__category", has_text="Sound")).to_contain_text("1 item")
    assert HIDDEN_CATEGORY not in page.content()


def test_the_block_renders_on_the_server(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    page.goto(site.pages["block"])

    block = page.locator(".wp-block-patchbay-availability")
    expect(block).to_be_visible()
    expect(block.locator(".patchbay-av__item", has_text="Shure SM58")).to_contain_text(
        "0 of 6 available"
    )
    assert "Lighting" not in block.inner_text()  # category 4 only
    assert fresh_standin.calls_to("availability")[-1].query == {
        "category": ["4"],
        "from": [date.today().isoformat()],
    }


def test_an_error_shows_the_friendly_message_is_cached_and_never_shows_the_key(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    fresh_standin.failure_status = 401
    before = availability_calls(fresh_standin)
    page.goto(site.pages["outage"])

    expect(page.get_by_text(FRIENDLY)).to_be_visible()
    html = page.content()
    assert fresh_standin.key not in html and fresh_standin.key[5:] not in html
    assert "stand-in was told to fail" not in html  # Patchbay's detail is for admins only
    page.reload()
    expect(page.get_by_text(FRIENDLY)).to_be_visible()
    assert availability_calls(fresh_standin) == before + 1  # the error was cached


def test_a_cached_page_turns_to_the_friendly_message_once_its_lifetime_passes(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    page.goto(site.pages["expiry"])
    expect(page.get_by_text("0 of 6 available")).to_be_visible()

    fresh_standin.failure_status = 503
    html = reload_until(
        page, site.pages["expiry"], lambda html: FRIENDLY in html, 4 * CACHE_SECONDS
    )
    assert FRIENDLY in html and "0 of 6 available" not in html
    assert fresh_standin.key not in html

    fresh_standin.failure_status = None
    html = reload_until(
        page, site.pages["expiry"], lambda html: FRIENDLY not in html, 4 * CACHE_SECONDS
    )
    assert "0 of 6 available" in html


def test_the_settings_page_masks_the_key_and_test_connection_names_the_organisation(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    log_in_to_wordpress(page, site)
    open_plugin_settings(page, site)
    last_four = fresh_standin.key[-4:]
    expect(page.get_by_text(f"Saved key: pbpk_…{last_four}")).to_be_visible()
    expect(page.locator("#patchbay_av_url")).to_have_value(fresh_standin.url)
    assert fresh_standin.key not in page.content()

    assert press_test_connection(page, site).startswith(f"Connected to {ORGANISATION}.")
    screenshot(page, "wordpress/settings-connected")
    assert fresh_standin.calls_to("site")[-1].headers["authorization"] == (
        f"Bearer {fresh_standin.key}"
    )

    page.fill("#patchbay_av_key", "pbk_" + "a" * 36)
    page.get_by_role("button", name="Save Changes").click()
    expect(page.get_by_text("That is a Patchbay REST API key")).to_be_visible()
    expect(page.get_by_text(f"Saved key: pbpk_…{last_four}")).to_be_visible()

    fresh_standin.failure_status = 403
    assert "Patchbay refused the website key" in press_test_connection(page, site)
    assert fresh_standin.key not in page.content()


def test_the_plugin_logged_no_php_notice_or_warning(
    page: Page, site: WordPressSite, fresh_standin: StandinPatchbay
) -> None:
    page.goto(site.pages["list"])  # at least one render in this test, whatever ran before
    expect(page.locator(".patchbay-av")).to_be_visible()
    # WP_DEBUG_LOG holds every PHP notice; WordPress 6.1's own Requests library logs
    # deprecations on PHP 8.2, which name its files, never the plugin's.
    assert "plugins/patchbay-availability/" not in site.debug_log, site.debug_log
