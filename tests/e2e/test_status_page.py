"""The public status page in Chromium: fits a phone at 390 px, breaks no rule of the
Content-Security-Policy, and a red card's link lands on its provider's entry."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from integrations.models import Connection
from status import summary
from status.models import ProviderIncident
from tests.conftest import Tenants
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import PHONE, sign_in
from tests.integrations.helpers import make_connection
from tests.status.helpers import audit_call

pytestmark = pytest.mark.e2e


def test_the_status_page_fits_a_phone_and_keeps_to_the_policy(
    page: Page,
    live_server: Any,
    tenants: Tenants,
    transactional_db: None,
    csp_violations: list[str],
) -> None:
    connection = make_connection(tenants.alpha)
    for n in range(20):
        audit_call(connection, 503 if n % 4 == 0 else 200, 40 + n)
    summary.summarise()
    ProviderIncident.objects.create(
        provider="xero",
        title="Xero's API gateway answers 503 to some calls in its EU region",
        body="Syncs retry by themselves; nothing is lost. " * 6,
    )
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/status/")

    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "status-page-390")
    assert width <= PHONE["width"], f"the status page is {width} px wide"
    assert page.locator("#xero [data-testid=status-level]").inner_text() == "Degraded"
    assert not csp_violations


def test_a_red_cards_status_link_opens_its_providers_entry(
    page: Page, live_server: Any, tenants: Tenants, transactional_db: None
) -> None:
    make_connection(
        tenants.alpha,
        state=Connection.State.DEGRADED,
        reason="Calls to the provider are failing: the provider answered 503.",
    )
    sign_in(page, live_server.url, tenants.manager.email)
    page.goto(f"{live_server.url}/settings/integrations/")

    page.locator("#card-xero [data-testid=card-status-link] a").click()

    page.wait_for_url("**/status/#xero")
    assert page.locator("#xero").is_visible()
