"""A crew of many, each connected to one of the three calendar sandboxes (Google and
Graph served by the live test server, iCloud by a real Radicale), with assignments to
push: the reliability tests' world. Connections are made as the OAuth flow and the
iCloud check leave them; the calendar is Patchbay's own, made by the first sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from calendars.choices import Frequency, Scope
from calendars.models import CalendarPolicy, CalendarTarget, EventLink
from integrations.models import AppPassword, Connection, OAuthGrant
from operations.models import CrewAssignment, Project
from sandbox.core.server import live_grant
from sandbox.google_calendar import seed as google_seed
from sandbox.google_calendar import tokens as google_tokens
from sandbox.google_calendar.identity import SCOPES
from sandbox.google_calendar.models import GoogleCalendar, GoogleEvent, GoogleGrant
from sandbox.icloud.server import ICloudSandbox
from sandbox.microsoft_graph import seed as graph_seed
from sandbox.microsoft_graph import tokens as graph_tokens
from sandbox.microsoft_graph.models import GraphCalendar, GraphEvent, GraphGrant, GraphUser
from tenancy.models import Organisation, User
from tenancy.roles import Role
from tests.factories import make_customer, make_user

GOOGLE_SCOPE = " ".join(
    scope for scope in SCOPES if scope.endswith(("events", "app.created", "calendarlist.readonly"))
)
GRAPH_SCOPE = "openid profile offline_access Calendars.ReadWrite"
ICLOUD_CALENDAR = "patchbay-alpha-hire"  # "Patchbay - Alpha Hire", slugged by the first sync
PROVIDERS = ("google-calendar", "outlook", "icloud")


@dataclass
class Member:
    user: User
    connection: Connection
    account: str  # the email / Apple ID at the provider


@dataclass
class Fleet:
    organisation: Organisation
    icloud: ICloudSandbox
    members: list[Member] = field(default_factory=list)

    def of(self, provider: str) -> list[Member]:
        return [m for m in self.members if m.connection.provider == provider]

    def worker_env(self, live_url: str) -> dict[str, str]:
        """What a worker process needs to reach the same sandboxes."""
        return {"PATCHBAY_PUBLIC_BASE_URL": live_url, "ICLOUD_CALDAV_URL": self.icloud.url}


def point_at_sandboxes(live_url: str, icloud: ICloudSandbox, django_settings: Any) -> None:
    google = f"{live_url}/sandbox/google-calendar"
    graph = f"{live_url}/sandbox/microsoft-graph"
    django_settings.PUBLIC_BASE_URL = live_url
    django_settings.GOOGLE_CALENDAR_TOKEN_URL = f"{google}/token"
    django_settings.GOOGLE_CALENDAR_REVOKE_URL = f"{google}/revoke"
    django_settings.GOOGLE_CALENDAR_API_BASE = f"{google}/calendar/v3"
    django_settings.OUTLOOK_TOKEN_URL = f"{graph}/login/common/oauth2/v2.0/token"
    django_settings.OUTLOOK_GRAPH_BASE = f"{graph}/v1.0"
    django_settings.ICLOUD_CALDAV_URL = icloud.url
    cache.clear()


def icloud_users(count: int) -> dict[str, str]:
    return {f"crew{n}@icloud.test": f"abcd-efgh-ijkl-{chr(97 + n % 26) * 4}" for n in range(count)}


def _grant(organisation: Organisation, user: User, provider: str, **tokens: Any) -> OAuthGrant:
    return OAuthGrant.objects.create(
        organisation=organisation,
        provider=provider,
        access_expires_at=timezone.now() + dt.timedelta(hours=1),
        owner=user,
        **tokens,
    )


def _google(organisation: Organisation, user: User, n: int) -> Member:
    account = f"crew{n}@gmail.test"
    google_user = google_seed.ensure_user(account, f"Crew {n}")
    sandbox_grant = live_grant(
        GoogleGrant, user=google_user, client_id=settings.GOOGLE_CALENDAR_CLIENT_ID
    )
    sandbox_grant.scope = GOOGLE_SCOPE
    sandbox_grant.save(update_fields=["scope"])
    issued = google_tokens.issue(sandbox_grant, GOOGLE_SCOPE, with_refresh=True)
    grant = _grant(
        organisation,
        user,
        "google-calendar",
        subject=account,
        scope=GOOGLE_SCOPE,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
    )
    return Member(
        user, _connection(organisation, user, "google-calendar", account, grant=grant), account
    )


def _graph(organisation: Organisation, user: User, n: int) -> Member:
    account = f"crew{n}@contoso.test"
    mailbox = GraphUser.objects.create(
        email=account,
        name=f"Crew {n}",
        oid=f"00000000-0000-4000-8000-{n:012d}",
        tenant_id=graph_seed.CONTOSO_TENANT,
    )
    graph_seed.default_calendar(mailbox)
    sandbox_grant = GraphGrant.objects.create(user=mailbox, client_id=settings.OUTLOOK_CLIENT_ID)
    issued = graph_tokens.issue(sandbox_grant, GRAPH_SCOPE)
    grant = _grant(
        organisation,
        user,
        "outlook",
        subject=mailbox.oid,
        scope=GRAPH_SCOPE,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
    )
    connection = _connection(organisation, user, "outlook", mailbox.oid, grant=grant)
    return Member(user, connection, account)


def _icloud(organisation: Organisation, user: User, account: str, password: str) -> Member:
    secret = AppPassword.objects.create(
        organisation=organisation,
        provider="icloud",
        owner=user,
        username=account,
        password=password,
    )
    return Member(
        user, _connection(organisation, user, "icloud", account, app_password=secret), account
    )


def _connection(
    organisation: Organisation, user: User, provider: str, remote_id: str, **credential: Any
) -> Connection:
    connection = Connection.objects.create(
        organisation=organisation,
        owner=user,
        provider=provider,
        remote_id=remote_id,
        remote_name=remote_id,
        **credential,
    )
    CalendarTarget.objects.create(
        organisation=organisation,
        connection=connection,
        remote_id="",
        name="Patchbay",
        made_by_patchbay=True,
    )
    return connection


def make_fleet(
    organisation: Organisation, icloud: ICloudSandbox, per_provider: dict[str, int]
) -> Fleet:
    """Users crew0..N of `organisation`, connected in the order Google, Outlook, iCloud.
    Only assignments go to calendars (one event each), synced every 15 minutes so that
    saving them wakes no one: each test says when to sync."""
    CalendarPolicy.objects.update_or_create(
        organisation=organisation,
        defaults={"scope": Scope.ASSIGNMENTS, "frequency": Frequency.QUARTER_HOUR},
    )
    fleet = Fleet(organisation, icloud)
    passwords = iter(icloud.users.items())
    n = 0
    for provider in PROVIDERS:
        for _ in range(per_provider.get(provider, 0)):
            user = make_user(f"fleet{n}@alpha.test", organisation, Role.CREW)
            if provider == "google-calendar":
                fleet.members.append(_google(organisation, user, n))
            elif provider == "outlook":
                fleet.members.append(_graph(organisation, user, n))
            else:
                fleet.members.append(_icloud(organisation, user, *next(passwords)))
            n += 1
    return fleet


def assign_everyone(fleet: Fleet, each: int) -> list[CrewAssignment]:
    """`each` assignments per member over the coming quarter, on projects of ten days."""
    organisation = fleet.organisation
    customer = make_customer(organisation)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    projects = Project.objects.bulk_create(
        Project(
            organisation=organisation,
            client=customer,
            name=f"Tour leg {n}",
            starts_at=start + dt.timedelta(days=n),
            ends_at=start + dt.timedelta(days=n + 10),
            status=Project.Status.CONFIRMED,
        )
        for n in range(each)
    )
    return CrewAssignment.objects.bulk_create(
        CrewAssignment(
            organisation=organisation,
            project=project,
            user=member.user,
            role="Rigger",
            starts_at=project.starts_at + dt.timedelta(hours=n % 8),
            ends_at=project.starts_at + dt.timedelta(hours=n % 8 + 6),
        )
        for member in fleet.members
        for n, project in enumerate(projects)
    )


def stored(member: Member, fleet: Fleet) -> dict[str, str]:
    """What the member's Patchbay calendar holds at the provider: event id -> title."""
    provider = member.connection.provider
    target = CalendarTarget.objects.get(connection=member.connection)
    if provider == "google-calendar":
        calendar = GoogleCalendar.objects.get(calendar_id=target.remote_id)
        events = GoogleEvent.objects.filter(calendar=calendar).exclude(status="cancelled")
        return {e.event_id: str(e.body.get("summary", "")) for e in events}
    if provider == "outlook":
        graph = GraphCalendar.objects.get(graph_id=target.remote_id)
        live = GraphEvent.objects.filter(calendar=graph, deleted_at__isnull=True)
        return {e.graph_id: str(e.fields.get("subject", "")) for e in live}
    files = fleet.icloud.stored_events(member.account, ICLOUD_CALENDAR)
    return {name: _summary(text) for name, text in files.items()}


def _summary(text: str) -> str:
    return str(icalendar.Calendar.from_ical(text).events[0]["SUMMARY"])


def expected_ids(member: Member) -> set[str]:
    """The remote ids Patchbay's links say the member's calendar holds."""
    links = EventLink.objects.filter(connection=member.connection)
    if member.connection.provider == "icloud":
        return {f"{link.key}.ics" for link in links}
    return set(links.values_list("remote_id", flat=True))
