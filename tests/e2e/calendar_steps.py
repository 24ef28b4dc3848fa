"""Steps the calendar browser tests share: the demo organisation's project, assigning
crew on the assign page, waiting for what a worker or a provider does, the clash."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from operations.models import Project
from tenancy.models import Organisation
from tests.factories import make_customer, make_project

DEMO_PASSWORD = "patchbay-demo"
PROJECT = "Harbour lights gala"
WITHIN_SECONDS = 20


def eventually(found: Callable[[], Any], what: str, seconds: float = WITHIN_SECONDS) -> Any:
    """Poll the database (the sandbox's store or Patchbay's) until `found` answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what}: not there within {seconds} s")


def a_confirmed_project() -> Project:
    organisation = Organisation.objects.get(slug="demo-rentals")
    project = make_project(organisation, make_customer(organisation, "Harbour Trust"), PROJECT)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CONFIRMED)
    return project


def assign(page: Page, base: str, starts: dt.datetime, hours: int) -> None:
    page.goto(f"{base}/settings/calendars/schedule/assign/")
    page.get_by_label("Project").select_option(label=PROJECT)
    page.get_by_label("Crew member").select_option(label="Callum Price")
    page.get_by_label("Role").fill("Rigger")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Assign").click()


def expect_the_clash(manager: Page, project: Project) -> None:
    """The assign page warns of the crew member's busy time and saves nothing over it."""
    expect(manager.get_by_test_id("assign-clash")).to_contain_text("Callum Price is busy then")
    expect(manager.get_by_role("button", name="Assign anyway")).to_be_visible()
    assert Project.objects.get(pk=project.pk).assignments.count() == 1
