"""The header's notice, in a real browser: a manager sees it after the Xero sandbox's
console revokes the app, and it is gone after Reconnect."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from attention.scan import scan
from integrations import tokens
from integrations.errors import GrantInvalid
from integrations.models import Connection, OAuthGrant
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_xero_connect import DEMO_PASSWORD, consent_to, xero_card

pytestmark = pytest.mark.e2e


def header_count(page: Page) -> Any:
    return page.get_by_test_id("header-notice-count")


def test_a_manager_sees_the_header_notice_after_a_revoke_and_not_after_reconnect(
    page: Page, live_server: Any, xero_sandbox: str
) -> None:
    call_command("seed_demo", stdout=None)
    sign_in(page, live_server.url, "manager@demo.test", DEMO_PASSWORD)
    xero_card(page).get_by_role("button", name="Connect").click()
    consent_to(page, "Harbour Build Ltd")
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Connected")
    expect(header_count(page)).to_have_count(0)

    page.goto(f"{xero_sandbox}/console/")
    page.get_by_role("button", name="Revoke app for sandbox.user@xero.test").click()
    # Patchbay finds out at its next token refresh (forced here: the access token lapses),
    # and the beat's scan opens the notice.
    grant_id = Connection.objects.get().grant_id
    assert grant_id is not None
    OAuthGrant.objects.filter(pk=grant_id).update(access_expires_at=None)
    with pytest.raises(GrantInvalid):
        tokens.refresh_grant(grant_id)
    scan()

    page.goto(f"{live_server.url}/settings/integrations/")
    expect(header_count(page)).to_have_text("1")
    expect(page.get_by_test_id("integrations-notices")).to_contain_text(
        "Xero (Harbour Build Ltd) needs Reconnect"
    )
    screenshot(page, "notice-after-revoke")
    page.get_by_test_id("header-notices").click()
    expect(page.get_by_test_id("notice")).to_contain_text("needs Reconnect")

    page.goto(f"{live_server.url}/settings/integrations/")
    xero_card(page).get_by_role("button", name="Reconnect").click()
    consent_to(page, "Harbour Build Ltd")
    expect(xero_card(page).get_by_test_id("badge")).to_have_text("Connected")
    scan()
    page.reload()

    expect(header_count(page)).to_have_count(0)
    expect(page.get_by_test_id("integrations-notices")).to_contain_text("Recovered")
    screenshot(page, "notice-after-reconnect")
