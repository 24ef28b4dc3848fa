"""The Google Calendar sandbox served by the live test server, and a crew member's
connection to it (tokens issued by the sandbox, stored as the OAuth flow stores them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from calendars.event import EventDraft
from calendars.models import EventLink, ReadCursor
from calendars.providers.google.adapter import GoogleCalendarAdapter
from integrations.models import Connection, OAuthGrant
from sandbox.core.server import live_grant
from sandbox.google_calendar import seed, tokens
from sandbox.google_calendar.identity import SCOPES
from sandbox.google_calendar.models import GoogleCalendar, GoogleGrant
from tests.conftest import Tenants

ACCOUNT = seed.CREW_USER
SCOPE = " ".join(
    scope for scope in SCOPES if scope.endswith(("events", "app.created", "calendarlist.readonly"))
)


@pytest.fixture
def google(live_server: Any, settings: Any, transactional_db: None) -> str:
    base = f"{live_server.url}/sandbox/google-calendar"
    settings.GOOGLE_CALENDAR_AUTHORIZE_URL = f"{base}/o/oauth2/v2/auth"
    settings.GOOGLE_CALENDAR_TOKEN_URL = f"{base}/token"
    settings.GOOGLE_CALENDAR_REVOKE_URL = f"{base}/revoke"
    settings.GOOGLE_CALENDAR_API_BASE = f"{base}/calendar/v3"
    settings.GOOGLE_CALENDAR_PUSH_URL = live_server.url
    settings.SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC = False
    settings.SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS = 0
    seed.ensure_demo_world()
    return base


@dataclass
class Crew:
    connection: Connection
    adapter: GoogleCalendarAdapter
    grant: GoogleGrant
    primary: GoogleCalendar


@pytest.fixture
def crew(google: str, tenants: Tenants) -> Crew:
    user = seed.ensure_user(ACCOUNT, "Casey Crew")
    grant = live_grant(GoogleGrant, user=user, client_id=_client_id())
    grant.scope = SCOPE
    grant.save(update_fields=["scope"])
    issued = tokens.issue(grant, SCOPE, with_refresh=True)
    owner = tenants.by_role["crew"]
    oauth = OAuthGrant.objects.create(
        organisation=tenants.alpha,
        provider="google-calendar",
        subject=ACCOUNT,
        scope=SCOPE,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        access_expires_at=timezone.now() + dt.timedelta(seconds=issued["expires_in"]),
        owner=owner,
    )
    connection = Connection.objects.create(
        organisation=tenants.alpha,
        provider="google-calendar",
        remote_id=ACCOUNT,
        remote_name=ACCOUNT,
        grant=oauth,
        owner=owner,
    )
    primary = GoogleCalendar.objects.get(calendar_id=ACCOUNT)
    return Crew(connection, GoogleCalendarAdapter(connection), grant, primary)


def _client_id() -> str:
    from django.conf import settings

    return str(settings.GOOGLE_CALENDAR_CLIENT_ID)


def draft(key: str, hour: int = 9, title: str = "Load-in: Main Stage") -> EventDraft:
    zone = "Europe/London"
    start = dt.datetime(2030, 6, 12, hour, tzinfo=dt.UTC)
    return EventDraft(
        uid=key,
        title=title,
        start=start,
        end=start + dt.timedelta(hours=8),
        time_zone=zone,
        description="Added by Patchbay, which keeps this event.",
        url="https://patchbay.example/schedule/",
    )


def link_for(crew: Crew, key: str, source_id: int = 1) -> EventLink:
    return EventLink.objects.create(
        organisation=crew.connection.organisation,
        connection=crew.connection,
        source=EventLink.Source.ASSIGNMENT,
        source_id=source_id,
        key=key,
    )


def cursor_for(crew: Crew) -> ReadCursor:
    return ReadCursor.objects.create(
        organisation=crew.connection.organisation, connection=crew.connection
    )
