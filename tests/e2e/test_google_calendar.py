"""Issue 13's Google walk-through in a real browser with a real Celery worker: crew connect
Google from their profile through the sandbox's consent, pick a calendar; the manager
assigns them and the event is in the sandbox calendar within seconds; a busy event the
crew member adds in the sandbox console comes back, and assigning over it shows the clash."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from calendars.models import BusyBlock
from sandbox.google_calendar import seed
from sandbox.google_calendar.models import GoogleEvent
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
ACCOUNT = seed.CREW_USER


@pytest.fixture
def google_sandbox(live_server: Any, settings: Any, transactional_db: None) -> str:
    """Google's URLs at the sandbox served by the live test server; the browser's
    callback registered; notifications delivered at once to the live server."""
    base = f"{live_server.url}/sandbox/google-calendar"
    settings.GOOGLE_CALENDAR_AUTHORIZE_URL = f"{base}/o/oauth2/v2/auth"
    settings.GOOGLE_CALENDAR_TOKEN_URL = f"{base}/token"
    settings.GOOGLE_CALENDAR_REVOKE_URL = f"{base}/revoke"
    settings.GOOGLE_CALENDAR_API_BASE = f"{base}/calendar/v3"
    settings.SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS = [
        f"{live_server.url}/settings/integrations/google-calendar/callback/"
    ]
    settings.SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC = False
    settings.SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS = 0
    seed.ensure_demo_world()
    return base


@pytest.fixture
def calendar_worker(live_server: Any, google_sandbox: str) -> Iterator[None]:
    """A worker on the default queue: calendar listings, syncs, disconnects."""
    with running_worker(PATCHBAY_PUBLIC_BASE_URL=live_server.url):
        yield


def connect_google(page: Page, base: str) -> None:
    page.goto(f"{base}/settings/profile/")
    card = page.locator('[data-slug="google-calendar"]')
    card.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", name="Sign in to Google")).to_be_visible()
    page.get_by_label("Sandbox user", exact=True).select_option(value=ACCOUNT)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("View and edit events on all your calendars")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base}/settings/profile/")
    expect(card).to_contain_text(ACCOUNT)


def choose_primary_calendar(page: Page) -> None:
    page.locator('[data-slug="google-calendar"]').get_by_role(
        "link", name="Choose calendar"
    ).click()
    # The worker lists the account's calendars; the page polls until they are there.
    primary = page.get_by_label(ACCOUNT, exact=True)
    expect(primary).to_be_visible(timeout=60_000)
    primary.check()
    page.get_by_role("button", name="Use this calendar").click()
    expect(page.get_by_test_id("target-name")).to_have_text(ACCOUNT)


def add_busy_in_console(page: Page, base: str, day: dt.date) -> None:
    page.goto(f"{base}/sandbox/google-calendar/console/")
    form = page.get_by_role("region", name="Add a busy event")
    form.get_by_label("Calendar:", exact=True).select_option(label=ACCOUNT)
    form.get_by_label("Summary:", exact=True).fill("Dentist")
    form.get_by_label("Start:", exact=True).fill(f"{day:%Y-%m-%d} 10:00")
    form.get_by_label("End:", exact=True).fill(f"{day:%Y-%m-%d} 12:00")
    form.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("status").first).to_contain_text("Added")


def test_crew_connects_google_and_the_scheduler_sees_their_event_and_their_busy_time(
    page: Page, browser: Browser, live_server: Any, calendar_worker: None
) -> None:
    base = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    project = a_confirmed_project()
    zone = ZoneInfo(project.organisation.timezone)
    shift_day = project.starts_at.astimezone(zone).date()

    sign_in(page, base, "crew@demo.test", DEMO_PASSWORD)
    connect_google(page, base)
    choose_primary_calendar(page)
    screenshot(page, "google-calendar-chosen")

    manager = browser.new_context().new_page()
    sign_in(manager, base, "manager@demo.test", DEMO_PASSWORD)
    assign(manager, base, dt.datetime.combine(shift_day, dt.time(8)), hours=8)
    expect(manager.locator(".messages")).to_contain_text("Callum Price is on Harbour lights gala")

    event = eventually(
        lambda: GoogleEvent.objects.filter(
            calendar__calendar_id=ACCOUNT,
            status="confirmed",
            body__summary=PROJECT,
            body__start__dateTime__isnull=False,
        ).first(),
        "the assignment's event in the sandbox calendar",
    )
    assert event.body["start"]["timeZone"] == str(zone)
    start = dt.datetime.fromisoformat(event.body["start"]["dateTime"])
    assert start == dt.datetime.combine(shift_day, dt.time(8), zone)

    busy_day = shift_day + dt.timedelta(days=1)
    console = browser.new_context().new_page()
    add_busy_in_console(console, base, busy_day)  # as the crew member, in "Google"
    screenshot(console, "google-calendar-console-busy")
    london = ZoneInfo("Europe/London")  # the sandbox account's calendar zone
    busy_from = dt.datetime.combine(busy_day, dt.time(10), london)
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
    screenshot(manager, "google-calendar-clash")
    expect_the_clash(manager, project)
