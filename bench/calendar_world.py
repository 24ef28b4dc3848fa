"""The calendar_push benchmark's world: one organisation, its crew, their assignments
over a quarter (bulk-made: no signal wakes anyone), and each crew member's calendar
connection to one of the three sandboxes, made as the provider tests make them (tokens
the sandbox issued, stored as the OAuth flow stores them; an iCloud app password as the
connect check stores it). Each connection writes to a calendar Patchbay makes on its
first sync. (Not a benchmark itself: the harness only runs ``bench_*.py``.)
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

PROVIDERS = ("google-calendar", "outlook", "icloud")
PROJECTS = 60
ZONE = "Europe/London"
DAYS = 90  # a quarter
GOOGLE_SCOPE_ENDINGS = ("events", "app.created", "calendarlist.readonly")
GRAPH_SCOPE = "openid profile offline_access Calendars.ReadWrite"


@dataclass(frozen=True)
class Crew:
    """One crew member and their calendar account."""

    user_id: int
    provider: str
    account: str  # Google e-mail, Graph mailbox e-mail, or Apple ID
    connection_id: int


@dataclass
class World:
    organisation: Any
    crew: list[Crew] = field(default_factory=list)
    icloud_users: dict[str, str] = field(default_factory=dict)  # Apple ID -> app password

    def by_provider(self) -> dict[str, int]:
        return {slug: sum(1 for c in self.crew if c.provider == slug) for slug in PROVIDERS}


def provider_of(index: int) -> str:
    """A mix of the three, about a third each."""
    return PROVIDERS[index % len(PROVIDERS)]


def app_password(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "-".join(letters[(index + n) % 26] * 4 for n in range(4))


def build(users: int, assignments: int) -> World:
    """The organisation (calendar defaults: assignments only, real time, a Patchbay
    calendar of its own), `users` crew members and `assignments` assignments spread over
    the next quarter, and every crew member connected."""
    from calendars.choices import Detail, Frequency, Scope, Target
    from calendars.models import CalendarPolicy
    from tenancy.models import Organisation

    organisation = Organisation.objects.create(
        name="Bench Crew Hire", slug="bench-crew-hire", timezone=ZONE
    )
    CalendarPolicy.objects.create(
        organisation=organisation,
        scope=Scope.ASSIGNMENTS,
        frequency=Frequency.REALTIME,
        target=Target.PATCHBAY,
        detail=Detail.NAME,
    )
    people = _crew_users(organisation, users)
    _assignments(organisation, people, assignments)
    world = World(organisation)
    for index, user in enumerate(people):
        world.crew.append(_connect(world, index, user))
    return world


def _crew_users(organisation: Any, count: int) -> list[Any]:
    from tenancy.models import Membership, User
    from tenancy.roles import Role

    people = [
        User.objects.create_user(email=f"crew{n:03}@bench.test", password=None)
        for n in range(count)
    ]
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, role=Role.CREW) for user in people
    )
    return people


def _start() -> dt.datetime:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(8), tzinfo=dt.UTC)


def _assignments(organisation: Any, people: list[Any], count: int) -> None:
    from operations.models import CrewAssignment, Customer, Project

    client = Customer.objects.create(
        organisation=organisation, name="Bench Festivals", email="bookings@bench.test"
    )
    start = _start()
    projects = Project.objects.bulk_create(
        Project(
            organisation=organisation,
            client=client,
            name=f"Bench show {n:02}",
            venue="Main hall",
            starts_at=start + dt.timedelta(days=n * DAYS // PROJECTS),
            ends_at=start + dt.timedelta(days=n * DAYS // PROJECTS + 3),
            status=Project.Status.CONFIRMED,
        )
        for n in range(PROJECTS)
    )
    per_user = max(1, -(-count // len(people)))
    rows = []
    for n in range(count):
        user, slot = people[n % len(people)], n // len(people)
        day = start + dt.timedelta(days=slot * DAYS // per_user)
        rows.append(
            CrewAssignment(
                organisation=organisation,
                project=projects[(n + slot) % PROJECTS],
                user=user,
                role="Rigger",
                starts_at=day,
                ends_at=day + dt.timedelta(hours=10),
            )
        )
    CrewAssignment.objects.bulk_create(rows, batch_size=2_000)


def _connect(world: World, index: int, user: Any) -> Crew:
    from calendars.models import CalendarTarget

    provider = provider_of(index)
    if provider == "google-calendar":
        account = f"crew{index:03}@gmail.test"
        connection = _google(world.organisation, user, account)
    elif provider == "outlook":
        account = f"crew{index:03}@contoso.test"
        connection = _outlook(world.organisation, user, account)
    else:
        account = f"crew{index:03}@icloud.test"
        world.icloud_users[account] = app_password(index)
        connection = _icloud(world.organisation, user, account, world.icloud_users[account])
    # remote_id "": Patchbay makes a calendar of its own on the first sync.
    CalendarTarget.objects.create(
        organisation=world.organisation,
        connection=connection,
        remote_id="",
        name="Patchbay",
        made_by_patchbay=True,
    )
    return Crew(user.pk, provider, account, connection.pk)


def _oauth_connection(
    organisation: Any, user: Any, provider: str, subject: str, name: str, scope: str, issued: Any
) -> Any:
    from django.utils import timezone

    from integrations.models import Connection, OAuthGrant

    grant = OAuthGrant.objects.create(
        organisation=organisation,
        provider=provider,
        subject=subject,
        scope=scope,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        access_expires_at=timezone.now() + dt.timedelta(seconds=int(issued["expires_in"])),
        owner=user,
    )
    return Connection.objects.create(
        organisation=organisation,
        provider=provider,
        remote_id=subject,
        remote_name=name,
        grant=grant,
        owner=user,
        connected_by=user,
    )


def _google(organisation: Any, user: Any, account: str) -> Any:
    """As tests/calendars/providers/google/conftest.py's `crew`."""
    from django.conf import settings

    from sandbox.core.server import live_grant
    from sandbox.google_calendar import seed, tokens
    from sandbox.google_calendar.identity import SCOPES
    from sandbox.google_calendar.models import GoogleGrant

    scope = " ".join(s for s in SCOPES if s.endswith(GOOGLE_SCOPE_ENDINGS))
    person = seed.ensure_user(account, account.split("@")[0], ZONE)
    grant = live_grant(GoogleGrant, user=person, client_id=str(settings.GOOGLE_CALENDAR_CLIENT_ID))
    grant.scope = scope
    grant.save(update_fields=["scope"])
    issued = tokens.issue(grant, scope, with_refresh=True)
    return _oauth_connection(organisation, user, "google-calendar", account, account, scope, issued)


def _outlook(organisation: Any, user: Any, account: str) -> Any:
    """As tests/calendars/providers/outlook/conftest.py's `connection`."""
    from django.conf import settings

    from sandbox.microsoft_graph import tokens
    from sandbox.microsoft_graph.models import GraphGrant, GraphUser
    from sandbox.microsoft_graph.seed import CONTOSO_TENANT, default_calendar

    mailbox = GraphUser.objects.create(
        email=account, name=account.split("@")[0], oid=str(uuid.uuid4()), tenant_id=CONTOSO_TENANT
    )
    default_calendar(mailbox)
    grant = GraphGrant.objects.create(user=mailbox, client_id=str(settings.OUTLOOK_CLIENT_ID))
    issued = tokens.issue(grant, GRAPH_SCOPE)
    return _oauth_connection(
        organisation, user, "outlook", mailbox.oid, account, GRAPH_SCOPE, issued
    )


def _icloud(organisation: Any, user: Any, apple_id: str, password: str) -> Any:
    """What calendars.providers.icloud.connect stores once discovery accepted the
    password (the check itself is not part of the push)."""
    from integrations.models import AppPassword, Connection

    secret = AppPassword.objects.create(
        organisation=organisation,
        provider="icloud",
        owner=user,
        username=apple_id,
        password=password,
    )
    return Connection.objects.create(
        organisation=organisation,
        provider="icloud",
        remote_id=apple_id.lower(),
        remote_name=apple_id,
        app_password=secret,
        owner=user,
        connected_by=user,
    )
