"""The calendar pages at 390 px: nothing scrolls sideways, for the scheduler's pages and
for a crew member's own calendar page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from calendars.models import CalendarTarget
from tests.conftest import Tenants
from tests.e2e.test_integrations_page import PHONE, sign_in
from tests.integrations.helpers import make_password_connection

pytestmark = pytest.mark.e2e


def fits(page: Page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"


def test_the_schedulers_calendar_pages_fit_a_phone(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, tenants.manager.email)
    for path in ("schedule/", "schedule/assign/", "defaults/", "calls/"):
        fits(page, f"{live_server.url}/settings/calendars/{path}")


def test_a_crew_members_own_calendar_page_fits_a_phone(
    page: Page, live_server, tenants: Tenants, transactional_db: None
) -> None:
    connection = make_password_connection(
        tenants.alpha, tenants.crew, "a.rather.long.apple.id.for.a.phone@icloud.test"
    )
    CalendarTarget.objects.create(
        organisation=tenants.alpha, connection=connection, remote_id="/c/", name="Patchbay"
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, tenants.crew.email)
    fits(page, f"{live_server.url}/settings/profile/")
    fits(page, f"{live_server.url}/settings/calendars/mine/{connection.pk}/")
