"""Every page of the project, as every role and as an anonymous visitor, at 390 px (a
phone) and 1366 px (a laptop): the document is never wider than the window.

The pages come from the URL walk's world (tests/walk.py): every URL pattern, built with
Alpha's real records, here given long names and long unbroken ids as people and
providers do. A visitor sees the pages their role may open: a page they may not open
answers 403 or 404 and is left out for them by that answer. A page that is not a whole
HTML document (JSON, an htmx fragment, a redirect's target aside) is not a page. The
Django admin (staff only, Django's own) and the providers' sandbox (a stand-in for the
providers' sites, absent in production) are not Patchbay's pages.

Each page's full-page screenshot is saved at both widths under
tests/e2e/artifacts/<visitor>/<page>-<width>.png (CI keeps the folder).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from tenancy.roles import Role
from tests.conftest import Tenants
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_integrations_page import sign_in
from tests.walk import ROUTES, Route, World, make_world, url_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 900}
WIDTHS = (LAPTOP, PHONE)

NOT_PATCHBAY_PAGES = ("admin", "sandbox")
# Signing out mid-walk would end the visit (it is a POST, but never try).
NOT_VISITED = frozenset({"logout"})

VISITORS = ["anonymous", *(role.value for role in Role)]

# What people and providers really call things: long words, and ids with no break.
LONG_WORDS = "International Festival Production and Touring Equipment Services"
UNBROKEN = "9f3c2a7e-41b8-4d0a-9e6f-2c1b7a5d8e40" * 2


@dataclass
class Visit:
    """What one visitor's walk found."""

    pages: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def lengthen_names(world: World) -> None:
    """Long names and long unbroken ids on the records the pages show."""
    alpha = world.alpha
    organisation = world.tenants.alpha
    organisation.name = f"{organisation.name} {LONG_WORDS}"
    organisation.save()
    renames: dict[str, dict[str, str]] = {
        "customer": {"name": f"ALPHAMARK Customer {LONG_WORDS}"},
        "item": {"name": f"ALPHAMARK Console {LONG_WORDS}"},
        "project": {"name": f"ALPHAMARK Festival {LONG_WORDS}"},
        "legal_entity": {"name": f"ALPHAMARK {LONG_WORDS} Limited"},
        "connection": {"remote_name": f"ALPHAMARK {LONG_WORDS} (UK)", "remote_id": UNBROKEN},
        "review": {"remote_id": UNBROKEN},
        "external_ref": {"remote_id": UNBROKEN},
        "audit_entry": {"url": f"https://api.xero.test/api.xro/2.0/Invoices/{UNBROKEN}"},
        "webhook_endpoint": {
            "url": f"https://hooks.example.com/patchbay/{UNBROKEN}",
            "description": f"ALPHAMARK {LONG_WORDS}",
        },
        "api_key": {"name": f"ALPHAMARK {LONG_WORDS}"},
        "contract": {"name": f"ALPHAMARK Warehouse hire {LONG_WORDS}"},
        "category": {"name": f"ALPHAMARK {LONG_WORDS}"},
        "allowed_origin": {"origin": f"https://alphamark-{UNBROKEN}.example.com"},
        "website_settings": {
            "site_url": f"https://www.alphamark-{UNBROKEN}.example.com",
            "plugin_version": UNBROKEN[:40],  # its column holds 40
        },
    }
    for key, values in renames.items():
        record = alpha[key]
        for name, value in values.items():
            setattr(record, name, value)
        record.save(update_fields=list(values))
    review = alpha["review"]
    review.patchbay_version = {"name": f"Patchbay {LONG_WORDS}", "email": f"{UNBROKEN}@x.test"}
    review.ledger_version = {"name": f"ALPHAMARK {LONG_WORDS}", "email": f"{UNBROKEN}@y.test"}
    review.save(update_fields=["patchbay_version", "ledger_version"])
    choices = alpha["remote_choices"]
    choices.choices = {"accounts": [{"code": "200", "name": f"ALPHAMARK {LONG_WORDS} Sales"}]}
    choices.save(update_fields=["choices"])


def pages(world: World) -> Iterator[tuple[Route, str]]:
    """Every URL pattern of Patchbay's own pages, with the URL the walk builds for it."""
    for route in ROUTES:
        if route.name is None or route.name in NOT_VISITED:
            continue
        if route.name.split(":")[0] in NOT_PATCHBAY_PAGES:
            continue
        yield route, url_for(route, world)


def is_page(page: Page) -> bool:
    """A whole document, not an htmx fragment (a card, a panel)."""
    return bool(page.evaluate("document.doctype !== null"))


def measure(page: Page, visitor: str, name: str, visit: Visit) -> None:
    folder = ARTIFACTS / visitor
    folder.mkdir(parents=True, exist_ok=True)
    for viewport in WIDTHS:
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        shot = folder / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        if width > viewport["width"]:
            visit.too_wide.append(f"{page.url} at {viewport['width']} px is {width} px wide")


def answer(page: Page, url: str) -> tuple[int, str]:
    """The status and content type of a GET of ``url`` with the page's cookies, asked
    beside the page: Chromium won't show an error answer with no body (a 405)."""
    response = page.request.get(url, max_redirects=0)
    return response.status, response.headers.get("content-type", "")


def walk(page: Page, base: str, visitor: str, world: World) -> Visit:
    visit = Visit()
    seen: set[str] = set()
    for route, url in pages(world):
        if url in seen:  # two patterns of one URL (Django's sign-in page and ours)
            continue
        seen.add(url)
        assert route.name is not None
        name = route.name.replace(":", "-")
        status, content_type = answer(page, f"{base}{url}")
        if status >= 500:
            visit.errors.append(f"{url}: {status}")
            continue
        if status >= 400:
            # Not this visitor's page (403, 404), or not a GET page (405): its own answer.
            visit.refused.append(f"{url}: {status}")
            continue
        if 300 <= status < 400 or not content_type.startswith("text/html"):
            continue  # a redirect's target is walked as its own page; JSON is no page
        page.goto(f"{base}{url}")
        if not is_page(page):
            continue
        visit.pages.append(url)
        measure(page, visitor, name, visit)
    return visit


@pytest.fixture
def world(tenants: Tenants, settings: Any, transactional_db: None) -> World:
    built = make_world(tenants, settings)
    lengthen_names(built)
    return built


@pytest.fixture
def visitor_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=LAPTOP)
    yield context
    context.close()


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_page_fits_a_phone_and_a_laptop_without_sideways_scroll(
    visitor: str, world: World, live_server: Any, visitor_context: BrowserContext
) -> None:
    shutil.rmtree(ARTIFACTS / visitor, ignore_errors=True)  # this run's screenshots only
    page = visitor_context.new_page()
    if visitor != "anonymous":
        sign_in(page, live_server.url, world.tenants.by_role[visitor].email)
        assert "/accounts/login/" not in page.url, f"{visitor} could not sign in"
    visit = walk(page, live_server.url, visitor, world)

    assert not visit.errors, "\n".join(visit.errors)
    assert not visit.too_wide, "\n".join(visit.too_wide)
    # The walk saw pages: a sign-in that silently failed would show only refusals.
    expected = {"anonymous": "/accounts/login/", Role.CREW: "/settings/profile/"}
    assert expected.get(visitor, "/settings/integrations/") in visit.pages
    shots = list((ARTIFACTS / visitor).glob("*.png"))
    assert len(shots) == 2 * len(visit.pages) and all(shot.stat().st_size for shot in shots)
