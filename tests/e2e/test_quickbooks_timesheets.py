"""Crew timesheets to QuickBooks in a real browser, with a real Celery worker: a manager
approves a timesheet, maps the crew member to one of the sandbox company's employees
(listed on the crew page), Sync Now, and the time activity is in the sandbox console."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sandbox.quickbooks.seed import UK_REALM
from tests.e2e import timesheet_steps as steps
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.e2e.test_quickbooks_sync import quickbooks_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def test_a_manager_approves_a_timesheet_maps_the_crew_member_and_it_reaches_quickbooks(
    page: Page,
    live_server: Any,
    quickbooks_world: None,  # noqa: F811
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, base, "manager@demo.test", "patchbay-demo")
    steps.connect_quickbooks(page, base, "Canal Side Hire Ltd")
    steps.map_accounts(page)

    number = steps.approve_timesheet(page, base, "Load-in")
    steps.open_crew_page(page, base)
    for employee in ("Ada Rigby", "Ben Soundman", "Cleo Lumen"):
        expect(page.get_by_label("Callum Price")).to_contain_text(f"{employee} (employee)")
    steps.map_crew_member(page, "Callum Price", "Ben Soundman (employee)")
    screenshot(page, "quickbooks-crew-mapped")

    steps.sync_now(page, base)
    row = steps.time_activity_in_console(page, base, UK_REALM, number)
    expect(row).to_contain_text("Ben Soundman")
    expect(row).to_contain_text("Riverside Arts Festival")
    expect(row).to_contain_text("8 h 30 min")
    screenshot(row.page, "quickbooks-console-time-activity")

    page.goto(f"{base}/timesheets/approvals/")
    expect(page.get_by_test_id("approved-timesheets")).to_contain_text("In QuickBooks Online")
