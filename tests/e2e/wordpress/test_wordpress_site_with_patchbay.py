"""Issue 15's promise end to end, with no stand-in: a real WordPress (Debian's package,
MariaDB, php -S) running the plugin zip that Patchbay's card serves, calling Patchbay's
live server with the website key the card showed once, seen in Chromium.

The owner sets the website up in Patchbay's pages (key, categories, a hidden item, exact
quantities) and downloads the plugin from the card; WordPress installs that zip, Test
connection turns the card to Connected; visitors see the shown categories' items and
their availability and nothing hidden; a booking committed in Patchbay shows once the
plugin's short cache runs out (Patchbay's own five-minute cache was invalidated, not
waited out), and so does a switch to labels, with no quantity in the page; a
regenerated key turns the page to the plugin's friendly error, never the key, and the
card to Error with the reason.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
from tenancy.models import Organisation, User
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.wordpress.site import WordPressSite, wordpress_site
from tests.e2e.wordpress.steps import log_in_to_wordpress, press_test_connection
from tests.factories import make_organisation, make_user
from tests.ratelimits import fresh_rate_limits  # noqa: F401
from wordpress_bridge.plugin_zip import build_plugin_zip, plugin_version, zip_filename
from wordpress_bridge.site_settings import settings_for, touch

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("wordpress-with-patchbay")]
# fresh_rate_limits (imported above) is autouse: rate counters live in Redis, outside
# the database the test flushes; the public API's cached answers, key lookups and
# "last used" gates are emptied for every test by tests/conftest.py.

ORGANISATION = "Northwind AV Hire"
FRIENDLY = "Equipment availability cannot be shown right now."
KEY_SHAPE = re.compile(r"pbpk_[0-9A-Za-z]{36}")
# The plugin's cache lifetime (good answers and errors) on the test site.
CACHE_SECONDS = 3
# A reload with the plugin's call to Patchbay takes under a second (a few on a loaded CI
# machine): a change that shows within the plugin's lifetime and this much more came
# from Patchbay at once, not from Patchbay's own cache running out, which keeps answers
# for PUBLIC_API_CACHE_SECONDS (five minutes; the patchbay_url fixture checks it is long).
SLACK_SECONDS = 10
PAGES = {
    "availability": "[patchbay_availability]",
    "categories": '[patchbay_availability view="categories"]',
}

# Shown: Lighting and Sound. Not shown: Rigging (public, left unticked) and Workshop
# (internal). Hidden on its own: the Robin, in a shown category.
SOURCE_FOUR = "ETC Source Four 750W"
ROBIN = "Robe Robin 600 Spot"
SM58 = "Shure SM58"
HOIST = "CM Lodestar 1t hoist"
PALLET_TRUCK = "Pallet truck"
OTHER_TENANTS_ITEM = "Bravo MDG hazer"  # no character HTML would escape
NEVER_SHOWN = ("Rigging", HOIST, "Workshop", PALLET_TRUCK, ROBIN, OTHER_TENANTS_ITEM)


@dataclass(frozen=True)
class Catalogue:
    organisation: Organisation
    owner: User
    sm58: EquipmentItem
    today: date


def _item(
    organisation: Organisation, category: EquipmentCategory, name: str, owned: int
) -> EquipmentItem:
    return EquipmentItem.objects.create(
        organisation=organisation, category=category, name=name, stock_quantity=owned
    )


def _category(organisation: Organisation, name: str, internal: bool = False) -> EquipmentCategory:
    visibility = EquipmentCategory.Visibility
    return EquipmentCategory.objects.create(
        organisation=organisation,
        name=name,
        visibility=visibility.INTERNAL if internal else visibility.PUBLIC,
    )


@pytest.fixture
def catalogue(transactional_db: None) -> Catalogue:
    """Committed rows the live server reads: Northwind's equipment, today's bookings and a
    repair, and another organisation whose shown equipment must never appear."""
    organisation = make_organisation(ORGANISATION)
    owner = make_user("owner@northwind.test", organisation)
    today = timezone.localdate(timezone=ZoneInfo(organisation.timezone))

    lighting = _category(organisation, "Lighting")
    sound = _category(organisation, "Sound")
    rigging = _category(organisation, "Rigging")
    workshop = _category(organisation, "Workshop", internal=True)
    source_four = _item(organisation, lighting, SOURCE_FOUR, owned=10)
    _item(organisation, lighting, ROBIN, owned=4)
    sm58 = _item(organisation, sound, SM58, owned=6)
    _item(organisation, rigging, HOIST, owned=2)
    _item(organisation, workshop, PALLET_TRUCK, owned=1)
    # 10 owned - 5 booked today - 1 in repair = 4 free; the returned booking frees its 3.
    Booking.objects.create(
        organisation=organisation,
        item=source_four,
        quantity=5,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    now = timezone.now()
    Booking.objects.create(
        organisation=organisation,
        item=source_four,
        quantity=3,
        starts_on=today,
        ends_on=today,
        checked_out_at=now - timedelta(hours=3),
        returned_at=now - timedelta(hours=1),
    )
    Repair.objects.create(organisation=organisation, item=source_four, quantity=1, starts_on=today)

    bravo = make_organisation("Bravo Hire")
    bravo_lighting = _category(bravo, "Lighting")
    _item(bravo, bravo_lighting, OTHER_TENANTS_ITEM, owned=3)
    bravo_site = settings_for(bravo)
    bravo_site.display_mode = "quantities"
    bravo_site.save()
    bravo_site.shown_categories.set([bravo_lighting])
    touch(bravo_site)
    return Catalogue(organisation=organisation, owner=owner, sm58=sm58, today=today)


@pytest.fixture
def patchbay_url(live_server: Any, settings: Any) -> str:
    """The live server, which the install steps tell the owner to type in WordPress."""
    settings.PUBLIC_BASE_URL = live_server.url
    # The proof of step 4 rests on Patchbay caching far longer than the plugin does.
    assert settings.PUBLIC_API_CACHE_SECONDS > 10 * (CACHE_SECONDS + SLACK_SECONDS)
    return str(live_server.url)


@pytest.fixture
def fresh_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """New browser contexts (a WordPress administrator, an anonymous visitor), closed after."""
    opened: list[BrowserContext] = []

    def new() -> BrowserContext:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


# --- steps in Patchbay ------------------------------------------------------------------


def wordpress_card(page: Page, patchbay_url: str) -> Locator:
    page.goto(f"{patchbay_url}/settings/integrations/")
    return page.locator('[data-slug="wordpress"]')


def generate_the_key(page: Page) -> str:
    """Generates the website key on the card's page and reads it, shown this once."""
    page.get_by_role("button", name="Generate website key").click()
    expect(page.get_by_role("heading", name="Website key generated")).to_be_visible()
    key = page.get_by_test_id("new-secret").input_value()
    assert KEY_SHAPE.fullmatch(key), "the page did not show a website key"
    screenshot(page, "wordpress/patchbay-key-generated")
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", name="WordPress plugin")).to_be_visible()
    assert key[5:] not in page.content()  # shown once only
    return key


def choose_what_the_site_shows(page: Page) -> None:
    """Lighting and Sound shown, the Robin hidden, exact quantities (on the settings page)."""
    expect(page.get_by_role("checkbox", name="Workshop")).to_be_disabled()  # internal
    page.get_by_role("checkbox", name="Lighting", exact=True).check()
    page.get_by_role("checkbox", name="Sound", exact=True).check()
    page.get_by_role("button", name="Save categories").click()
    expect(page.get_by_text("The website now shows 2 categories: Lighting, Sound.")).to_be_visible()

    page.get_by_role("link", name="2 items in Lighting").click()
    expect(page.get_by_role("heading", name="Lighting on the website")).to_be_visible()
    page.get_by_role("checkbox", name=f"Hide {ROBIN}").check()
    page.get_by_role("button", name="Save hidden items").click()
    expect(page.get_by_text(f"Lighting: 1 item hidden from the website ({ROBIN})")).to_be_visible()

    choose_the_display_mode(page, None, "Exact quantities")
    screenshot(page, "wordpress/patchbay-website-settings")


def choose_the_display_mode(page: Page, patchbay_url: str | None, mode: str) -> None:
    """On the card's settings page (opened from the card when ``patchbay_url`` is given)."""
    if patchbay_url is not None:
        wordpress_card(page, patchbay_url).get_by_role("link", name="Settings").click()
    page.get_by_role("radio", name=mode).check()
    page.get_by_role("button", name="Save display mode").click()
    expect(page.get_by_text(f"The website now shows availability as “{mode}”")).to_be_visible()


def download_the_plugin(page: Page, card: Locator) -> bytes:
    """The zip behind the card's Download link, as the signed-in browser saves it."""
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download plugin").click()
    download = download_info.value
    assert download.suggested_filename == zip_filename()
    path = download.path()
    assert path is not None, download.failure()
    return Path(path).read_bytes()


def regenerate_the_key(page: Page, patchbay_url: str, old_key: str) -> str:
    wordpress_card(page, patchbay_url).get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Regenerate").click()
    expect(page.get_by_role("heading", name="Regenerate the website key?")).to_be_visible()
    page.get_by_role("button", name="Regenerate key").click()
    new_key = page.get_by_test_id("new-secret").input_value()
    assert KEY_SHAPE.fullmatch(new_key) and new_key != old_key
    return new_key


# --- steps on the WordPress site ----------------------------------------------------------


def reload_until(page: Page, url: str, condition: Callable[[str], bool], seconds: float) -> str:
    """Reloads ``url`` until its HTML meets ``condition`` or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        html = page.content()
        if condition(html) or time.monotonic() > deadline:
            return html
        page.wait_for_timeout(250)


def raw_html(visitor: Page, url: str) -> str:
    """The page exactly as WordPress sent it (no script has run on it)."""
    response = visitor.request.get(url)
    assert response.ok, response.status
    return response.text()


def why_not_shown(admin: Page, site: WordPressSite) -> str:
    """For a failure message: what the availability page shows an administrator, who
    also sees why when it shows the friendly error (cached, so the same error visitors
    saw), and the end of the site's server log."""
    admin.goto(site.pages["availability"])
    shown = admin.locator("main").inner_text()
    return f"the page shows: {shown}\nphp -S log:\n{site.server_log[-2000:]}"


def item_row(page: Page, name: str) -> Locator:
    return page.locator(".patchbay-av__item", has_text=name)


def assert_nothing_hidden_in(html: str, *keys: str) -> None:
    for name in NEVER_SHOWN:
        assert name not in html, f"{name!r} reached the website"
    for key in keys:
        assert key[5:] not in html, "a website key reached the page"


# --- the test ---------------------------------------------------------------------------------


def test_a_real_wordpress_site_shows_patchbays_live_availability_and_never_the_key(
    page: Page,
    fresh_context: Callable[[], BrowserContext],
    catalogue: Catalogue,
    patchbay_url: str,
    wordpress_ready: None,
) -> None:
    # 1. The owner sets the website up in Patchbay and downloads the plugin from the card.
    sign_in(page, patchbay_url, catalogue.owner.email)
    card = page.locator('[data-slug="wordpress"]')
    expect(card.get_by_test_id("badge")).to_have_text("Not set up")
    card.get_by_role("link", name="Set up").click()
    expect(page.get_by_role("heading", name="WordPress plugin")).to_be_visible()
    key = generate_the_key(page)
    choose_what_the_site_shows(page)
    expect(page.get_by_test_id("public-base-url")).to_have_text(patchbay_url)

    card = wordpress_card(page, patchbay_url)
    expect(card.get_by_test_id("badge")).to_have_text("Waiting for first call")
    plugin_zip = download_the_plugin(page, card)
    assert plugin_zip == build_plugin_zip()  # the repository's plugin, as served
    assert "patchbay-availability/patchbay-availability.php" in (
        zipfile.ZipFile(BytesIO(plugin_zip)).namelist()
    )

    with wordpress_site(
        plugin_zip=plugin_zip,
        patchbay_url=patchbay_url,
        website_key=key,
        pages=PAGES,
        cache_ttl=CACHE_SECONDS,
        error_ttl=CACHE_SECONDS,
    ) as site:
        # 2. Test connection names the organisation; the card turns Connected.
        admin = fresh_context().new_page()
        log_in_to_wordpress(admin, site)
        assert press_test_connection(admin, site).startswith(f"Connected to {ORGANISATION}.")
        assert key[5:] not in admin.content()
        screenshot(admin, "wordpress/with-patchbay-test-connection")

        card = wordpress_card(page, patchbay_url)
        expect(card.get_by_test_id("badge")).to_have_text("Connected")
        detail = card.get_by_test_id("card-detail")
        expect(detail).to_contain_text(site.url)
        expect(detail).to_contain_text(f"plugin {plugin_version()}")
        screenshot(page, "wordpress/patchbay-card-connected")

        # 3. Visitors see the shown categories' items with exact quantities, nothing else.
        visitor = fresh_context().new_page()
        visitor.goto(site.pages["availability"])
        assert FRIENDLY not in visitor.content(), why_not_shown(admin, site)
        expect(visitor.get_by_role("heading", name="Lighting")).to_be_visible()
        expect(visitor.get_by_role("heading", name="Sound")).to_be_visible()
        expect(item_row(visitor, SOURCE_FOUR)).to_contain_text("4 of 10 available")
        expect(item_row(visitor, SM58)).to_contain_text("6 of 6 available")
        expect(visitor.locator(".patchbay-av__item")).to_have_count(2)
        screenshot(visitor, "wordpress/with-patchbay-availability")
        html = raw_html(visitor, site.pages["availability"])
        assert "4 of 10 available" in html and "6 of 6 available" in html
        assert_nothing_hidden_in(html, key)
        assert_nothing_hidden_in(visitor.content(), key)

        visitor.goto(site.pages["categories"])
        categories = visitor.locator(".patchbay-av__category")
        expect(categories).to_have_count(2)
        expect(categories.filter(has_text="Lighting")).to_contain_text("1 item")  # not the Robin
        expect(categories.filter(has_text="Sound")).to_contain_text("1 item")
        assert_nothing_hidden_in(raw_html(visitor, site.pages["categories"]), key)

        # 4. A booking committed in Patchbay shows once the plugin's cache runs out.
        Booking.objects.create(
            organisation=catalogue.organisation,
            item=catalogue.sm58,
            quantity=6,
            starts_on=catalogue.today,
            ends_on=catalogue.today + timedelta(days=2),
        )
        booked_at = time.monotonic()
        html = reload_until(
            visitor,
            site.pages["availability"],
            lambda html: "0 of 6 available" in html,
            CACHE_SECONDS + SLACK_SECONDS,
        )
        shown_after = time.monotonic() - booked_at
        assert "0 of 6 available" in html, why_not_shown(admin, site)
        assert shown_after <= CACHE_SECONDS + SLACK_SECONDS, shown_after
        expect(item_row(visitor, SOURCE_FOUR)).to_contain_text("4 of 10 available")
        screenshot(visitor, "wordpress/with-patchbay-after-booking")

        # The owner switches to labels: the page follows, and no quantity reaches it.
        choose_the_display_mode(page, patchbay_url, "In stock / Out of stock")
        html = reload_until(
            visitor,
            site.pages["availability"],
            lambda html: "Out of stock" in html,
            CACHE_SECONDS + SLACK_SECONDS,
        )
        assert "Out of stock" in html, why_not_shown(admin, site)
        expect(item_row(visitor, SM58)).to_contain_text("Out of stock")
        expect(item_row(visitor, SOURCE_FOUR)).to_contain_text("In stock")
        labels = raw_html(visitor, site.pages["availability"])
        assert re.search(r"\d+ of \d+", labels) is None, "a quantity reached the labels page"
        assert_nothing_hidden_in(labels, key)
        screenshot(visitor, "wordpress/with-patchbay-labels")

        # 5. A regenerated key: the friendly error, never a key; the card says why.
        new_key = regenerate_the_key(page, patchbay_url, key)
        html = reload_until(
            visitor,
            site.pages["availability"],
            lambda html: FRIENDLY in html,
            CACHE_SECONDS + SLACK_SECONDS,
        )
        assert FRIENDLY in html, "the page never turned to the friendly error"
        assert "of 6 available" not in html
        assert_nothing_hidden_in(html, key, new_key)
        assert_nothing_hidden_in(raw_html(visitor, site.pages["availability"]), key, new_key)
        screenshot(visitor, "wordpress/with-patchbay-replaced-key")

        expect(visitor.locator(".patchbay-av__admin-note")).to_have_count(0)
        admin.goto(site.pages["availability"])
        note = admin.locator(".patchbay-av__admin-note")
        expect(note).to_contain_text("Patchbay refused the website key")
        expect(note).to_contain_text("(HTTP 401)")
        assert_nothing_hidden_in(admin.content(), key, new_key)
        refused = press_test_connection(admin, site)
        assert "Patchbay refused the website key" in refused, refused
        assert_nothing_hidden_in(admin.content(), key, new_key)

        card = wordpress_card(page, patchbay_url)
        expect(card.get_by_test_id("badge")).to_have_text("Error")
        expect(card.get_by_test_id("card-detail")).to_contain_text(
            "a replaced website key was used"
        )
        assert new_key[5:] not in page.content() and key[5:] not in page.content()
        screenshot(page, "wordpress/patchbay-card-error")

        # WP_DEBUG_LOG holds every PHP notice; none may name the plugin's files.
        assert "plugins/patchbay-availability/" not in site.debug_log, site.debug_log
