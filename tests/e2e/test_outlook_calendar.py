"""Issue 13's Outlook walk-through in a real browser with a real Celery worker: crew
connect Outlook from their profile through the Graph sandbox's sign-in and consent, pick
a calendar; the manager assigns them and the event is in the sandbox calendar within
seconds; a busy event the crew member adds in the sandbox console notifies Patchbay,
comes back as busy time, and assigning over it shows the clash."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from calendars.models import BusyBlock
from calendars.providers.outlook.events import windows_zone
from sandbox.microsoft_graph.models import GraphCalendar, GraphEvent
from sandbox.microsoft_graph.seed import WORK_USER, ensure_demo_world
from tenancy.models import Organisation
from tests.e2e.calendar_steps import (
    DEMO_PASSWORD,
    PROJECT,
    a_confirmed_project,
    assign,
    eventually,
    expect_the_clash,
)
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.workers import running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.celery_worker, pytest.mark.slow]


@pytest.fixture
def graph_sandbox(live_server: Any, settings: Any, transactional_db: None) -> str:
    """Microsoft's URLs at the sandbox served by the live test server (the worker gets
    them from PATCHBAY_PUBLIC_BASE_URL); the browser's callback registered;
    notifications delivered at once to the live server."""
    base = f"{live_server.url}/sandbox/microsoft-graph"
    settings.OUTLOOK_AUTHORIZE_URL = f"{base}/login/common/oauth2/v2.0/authorize"
    settings.OUTLOOK_TOKEN_URL = f"{base}/login/common/oauth2/v2.0/token"
    settings.OUTLOOK_GRAPH_BASE = f"{base}/v1.0"
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_GRAPH_REDIRECT_URIS = [
        f"{live_server.url}/settings/integrations/outlook/callback/"
    ]
    settings.SANDBOX_GRAPH_NOTIFY_ASYNC = False
    ensure_demo_world()
    cache.clear()
    return base


@pytest.fixture
def calendar_worker(live_server: Any, graph_sandbox: str) -> Iterator[None]:
    """A worker on the default queue: calendar listings, syncs, disconnects."""
    with running_worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url):
        yield


def connect_outlook(page: Page, base: str) -> None:
    page.goto(f"{base}/settings/profile/")
    card = page.locator('[data-slug="outlook"]')
    card.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", name="Sign in to your Microsoft account")).to_be_visible()
    page.get_by_label("Sandbox user", exact=True).select_option(value=WORK_USER)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Have full access to your calendars")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page).to_have_url(f"{base}/settings/profile/")
    expect(card).to_contain_text(WORK_USER)


def choose_default_calendar(page: Page) -> None:
    page.locator('[data-slug="outlook"]').get_by_role("link", name="Choose calendar").click()
    # The worker lists the mailbox's calendars; the page polls until they are there.
    default = page.get_by_label("Calendar", exact=True)
    expect(default).to_be_visible(timeout=60_000)
    default.check()
    page.get_by_role("button", name="Use this calendar").click()
    expect(page.get_by_test_id("target-name")).to_have_text("Calendar")


def add_busy_in_console(page: Page, base: str, start: dt.datetime, end: dt.datetime) -> None:
    """As the crew member in Outlook: the console takes times in UTC."""
    page.goto(f"{base}/sandbox/microsoft-graph/console/?user={WORK_USER}")
    page.get_by_label("Subject").fill("Dentist")
    page.get_by_label("Start (UTC)").fill(f"{start.astimezone(dt.UTC):%Y-%m-%dT%H:%M}")
    page.get_by_label("End (UTC)").fill(f"{end.astimezone(dt.UTC):%Y-%m-%dT%H:%M}")
    page.get_by_label("Show as").select_option(value="busy")
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("cell", name="Dentist", exact=True)).to_be_visible()


def test_crew_connects_outlook_and_the_scheduler_sees_their_event_and_their_busy_time(
    page: Page, browser: Browser, live_server: Any, calendar_worker: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    project = a_confirmed_project()
    zone = ZoneInfo(Organisation.objects.get(slug="demo-rentals").timezone)
    shift_day = project.starts_at.astimezone(zone).date()

    sign_in(page, base, "crew@demo.test", DEMO_PASSWORD)
    connect_outlook(page, base)
    choose_default_calendar(page)
    screenshot(page, "outlook-calendar-chosen")

    manager = browser.new_context().new_page()
    sign_in(manager, base, "manager@demo.test", DEMO_PASSWORD)
    assign(manager, base, dt.datetime.combine(shift_day, dt.time(8)), hours=8)
    expect(manager.locator(".messages")).to_contain_text("Callum Price is on Harbour lights gala")

    default = GraphCalendar.objects.get(user__email=WORK_USER, is_default=True)
    event = eventually(
        lambda: GraphEvent.objects.filter(
            calendar=default,
            deleted_at__isnull=True,
            fields__subject=PROJECT,
            fields__isAllDay=False,
        ).first(),
        "the assignment's event in the sandbox calendar",
    )
    assert event.fields["start"]["timeZone"] == windows_zone(str(zone))
    assert event.fields["start"]["dateTime"].startswith(f"{shift_day:%Y-%m-%d}T08:00:00")

    busy_from = dt.datetime.combine(shift_day + dt.timedelta(days=1), dt.time(10), zone)
    console = browser.new_context().new_page()
    add_busy_in_console(console, base, busy_from, busy_from + dt.timedelta(hours=2))
    screenshot(console, "outlook-calendar-console-busy")
    # The sandbox notified Patchbay's receiver; the worker's read brings the time back.
    eventually(
        lambda: BusyBlock.objects.filter(starts_at=busy_from).exists(),
        "the busy event read back as a busy block",
    )

    assign(
        manager,
        base,
        busy_from.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=1),
        hours=4,
    )
    screenshot(manager, "outlook-calendar-clash")
    expect_the_clash(manager, project)
