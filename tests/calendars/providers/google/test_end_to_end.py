"""A crew member's Google Calendar from connect to disconnect, through Patchbay's own
pages with the test client and the sandbox (served by the live test server) as Google:
consent, the calendar listing the worker makes, the choice of calendar, an assignment
pushed with its time zone, busy time read back as times only and shown as a clash when
scheduling, and a disconnect that removes the events, stops the channel and revokes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from calendars.models import AccountCheck, BusyBlock, CalendarTarget, EventLink
from calendars.tasks import list_calendars
from integrations.models import Connection, OAuthGrant, SyncRun
from integrations.syncs import sync_connection
from integrations.tasks import remove_at_provider
from operations.models import CrewAssignment, Project
from sandbox.google_calendar import seed
from sandbox.google_calendar.models import GoogleChannel, GoogleEvent, GoogleGrant
from tests.conftest import Tenants, client_for
from tests.factories import make_customer, make_project

ACCOUNT = seed.CREW_USER
CONNECT = "/settings/integrations/google-calendar/connect/"
ASSIGN = "/settings/calendars/schedule/assign/"
CONSOLE = "/sandbox/google-calendar/console/"


def local(url: str) -> str:
    """The test client speaks to this process whatever the host: keep path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def consent_returns_here(google: str, settings: Any) -> None:
    """The sandbox app's registered redirect URI is the test client's host."""
    settings.SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS = [
        "http://testserver/settings/integrations/google-calendar/callback/"
    ]


def connect_through_sandbox(client: Client) -> Connection:
    """Connect on the profile, sign in to the sandbox's Google, allow every scope."""
    authorize = client.post(CONNECT)["Location"]
    assert "/sandbox/google-calendar/o/oauth2/v2/auth" in authorize
    query = dict(part.split("=", 1) for part in urlsplit(authorize).query.split("&"))
    assert (query["access_type"], query["prompt"], query["code_challenge_method"]) == (
        "offline",
        "consent",
        "S256",
    )
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": ACCOUNT})["Location"]
    page = client.get(local(consent)).content.decode()
    scopes = [s for s in query["scope"].replace("%3A", ":").replace("%2F", "/").split("+")]
    assert all(scope in page for scope in scopes)
    callback = client.post(local(consent), {"action": "allow", "scope": scopes})["Location"]
    landed = client.get(local(callback))
    assert landed.status_code == 302 and landed["Location"] == "/settings/profile/", landed
    return Connection.objects.get(provider="google-calendar")


def choose_primary(client: Client, connection: Connection) -> None:
    page = f"/settings/calendars/mine/{connection.pk}/"
    asking = client.get(page).content.decode()
    assert "Asking Google Calendar for your calendars" in asking  # no provider call here
    listing = AccountCheck.objects.get(connection=connection)
    assert list_calendars(listing.pk) == AccountCheck.Status.CONNECTED  # the worker's part
    assert ACCOUNT in client.get(page).content.decode()
    chosen = client.post(f"{page}calendar/", {"calendar": ACCOUNT})
    assert chosen.status_code == 302


def assign(
    manager: Client, tenants: Tenants, project: Project, starts: dt.datetime, **extra: str
) -> Any:
    zone = ZoneInfo(tenants.alpha.timezone)
    form = {
        "project": project.pk,
        "person": tenants.crew.pk,
        "role": "Rigger",
        "starts_at": starts.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(hours=3)).astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }
    return manager.post(ASSIGN, form)


def sync(connection: Connection) -> SyncRun:
    run_id = sync_connection(connection.pk, SyncRun.Trigger.MANUAL)
    assert run_id is not None
    run = SyncRun.objects.get(pk=run_id)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    return run


def test_crew_connect_choose_get_assigned_see_busy_time_clash_and_disconnect(
    consent_returns_here: None, tenants: Tenants
) -> None:
    crew, manager = client_for(tenants.crew), client_for(tenants.manager)
    connection = connect_through_sandbox(crew)
    assert (connection.owner, connection.remote_id) == (tenants.crew, ACCOUNT)
    grant = connection.grant
    assert grant is not None and grant.refresh_token
    choose_primary(crew, connection)
    assert CalendarTarget.objects.get(connection=connection).remote_id == ACCOUNT

    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CONFIRMED)  # on a calendar
    shift_start = project.starts_at.replace(hour=8, minute=0, second=0, microsecond=0)
    assert assign(manager, tenants, project, shift_start).status_code == 302
    assignment = CrewAssignment.objects.get()
    sync(connection)

    link = EventLink.objects.get(connection=connection, source="assignment")
    assert link.source_id == assignment.pk
    event = GoogleEvent.objects.get(calendar__calendar_id=ACCOUNT, event_id=link.remote_id)
    assert event.status == "confirmed" and event.body["summary"] == project.name
    assert event.body["start"]["timeZone"] == tenants.alpha.timezone
    start = dt.datetime.fromisoformat(event.body["start"]["dateTime"])
    assert start == assignment.starts_at
    assert (
        start.utcoffset()
        == assignment.starts_at.astimezone(ZoneInfo(tenants.alpha.timezone)).utcoffset()
    )
    assert event.body["extendedProperties"]["private"]["patchbay"] == "1"
    assert GoogleChannel.objects.filter(stopped_at__isnull=True).count() == 1  # watching

    # The crew member blocks the next day in Google (the console, as them); the next
    # sync brings it back as times only.
    busy_day = (shift_start + dt.timedelta(days=1)).astimezone(ZoneInfo("Europe/London"))
    added = Client().post(
        CONSOLE,
        {
            "action": "add_busy",
            "calendar": GoogleEvent.objects.get(pk=event.pk).calendar_id,
            "summary": "Dentist appointment",
            "start": busy_day.strftime("%Y-%m-%d 10:00"),
            "end": busy_day.strftime("%Y-%m-%d 12:00"),
        },
    )
    assert added.status_code == 302
    sync(connection)

    block = BusyBlock.objects.get(connection=connection)
    london = ZoneInfo("Europe/London")
    assert block.starts_at == dt.datetime.combine(busy_day.date(), dt.time(10), london)
    assert block.ends_at == dt.datetime.combine(busy_day.date(), dt.time(12), london)
    assert (block.user, block.all_day) == (tenants.crew, False)
    stored = {field.attname: getattr(block, field.attname) for field in BusyBlock._meta.fields}
    assert "Dentist" not in str(stored)  # no title kept: someone's private calendar

    over = assign(manager, tenants, project, block.starts_at - dt.timedelta(hours=1))
    page = over.content.decode()
    assert over.status_code == 200 and 'data-testid="assign-clash"' in page
    assert "is busy then" in page and "Assign anyway" in page
    assert CrewAssignment.objects.count() == 1  # nothing saved over the busy time

    # Disconnect, asking for Patchbay's events to go; the worker does the rest.
    ours = set(EventLink.objects.filter(connection=connection).values_list("remote_id", flat=True))
    assert len(ours) == 2  # the shift and the project's dates
    left = crew.post(
        f"/settings/integrations/google-calendar/connections/{connection.pk}/disconnect/",
        {"remove_events": "1", "confirm": "yes"},
    )
    assert left.status_code == 302
    assert not BusyBlock.objects.exists()  # busy time is read only while connected
    outcome = remove_at_provider(connection.pk, grant.pk, tenants.crew.pk)
    assert outcome == "removed at the provider", outcome

    remaining = GoogleEvent.objects.filter(event_id__in=ours).values_list("status", flat=True)
    assert set(remaining) == {"cancelled"}
    assert GoogleEvent.objects.get(body__summary="Dentist appointment").status == "confirmed"
    assert not GoogleChannel.objects.filter(stopped_at__isnull=True).exists()
    assert GoogleGrant.objects.get(user__email=ACCOUNT).revoked_at is not None
    assert OAuthGrant.objects.get(pk=grant.pk).status == OAuthGrant.Status.REVOKED
    assert not EventLink.objects.filter(connection=connection).exists()
