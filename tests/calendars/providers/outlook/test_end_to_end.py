"""A crew member's Outlook calendar from connect to disconnect, through Patchbay's own
pages with the test client and the Graph sandbox (served by the live test server) as
Microsoft: sign-in and consent, the calendar listing the worker makes, the choice of
calendar, an assignment pushed with its time zone, busy time read back as times only and
shown as a clash when scheduling, a change notification that really reaches Patchbay,
and a disconnect that removes the events and the subscription and forgets the tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection as db
from django.test import Client

from calendars.models import AccountCheck, BusyBlock, CalendarTarget, EventLink, ReadCursor
from calendars.providers.outlook.events import windows_zone
from calendars.tasks import list_calendars
from integrations.models import Connection, OAuthGrant, SyncRun
from integrations.syncs import sync_connection
from integrations.tasks import remove_at_provider
from operations.models import CrewAssignment, Project
from sandbox.microsoft_graph.models import (
    GraphCalendar,
    GraphDelivery,
    GraphEvent,
    GraphSubscription,
    GraphUser,
)
from sandbox.microsoft_graph.seed import WORK_USER
from sandbox.microsoft_graph.zones import zone as graph_zone
from tests.conftest import Tenants, client_for
from tests.factories import make_customer, make_project

CONNECT = "/settings/integrations/outlook/connect/"
NOTIFY = "/settings/integrations/outlook/notifications/"
ASSIGN = "/settings/calendars/schedule/assign/"
CONSOLE = "/sandbox/microsoft-graph/console/"
SECRET_SUBJECT = "Dentist appointment"


def local(url: str) -> str:
    """The test client speaks to this process whatever the host: keep path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def connect_through_sandbox(client: Client) -> Connection:
    """Connect on the profile, sign in to the sandbox's Microsoft, accept the permissions."""
    authorize = client.post(CONNECT)["Location"]
    assert "/sandbox/microsoft-graph/login/common/oauth2/v2.0/authorize" in authorize
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert set(query["scope"].split()) == {
        "openid",
        "profile",
        "offline_access",
        "Calendars.ReadWrite",
    }
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": WORK_USER})["Location"]
    page = client.get(local(consent)).content.decode()
    assert "Have full access to your calendars" in page
    callback = client.post(local(consent), {"action": "accept"})["Location"]
    landed = client.get(local(callback))
    assert landed.status_code == 302 and landed["Location"] == "/settings/profile/", landed
    return Connection.objects.get(provider="outlook")


def choose_default_calendar(client: Client, connection: Connection) -> GraphCalendar:
    mailbox = GraphUser.objects.get(email=WORK_USER)
    default = GraphCalendar.objects.get(user=mailbox, is_default=True)
    page = f"/settings/calendars/mine/{connection.pk}/"
    asking = client.get(page).content.decode()
    assert "Asking Microsoft Outlook for your calendars" in asking  # no provider call here
    listing = AccountCheck.objects.get(connection=connection)
    assert list_calendars(listing.pk) == AccountCheck.Status.CONNECTED  # the worker's part
    assert default.graph_id in client.get(page).content.decode()
    chosen = client.post(f"{page}calendar/", {"calendar": default.graph_id})
    assert chosen.status_code == 302
    return default


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


def add_busy_in_console(start: dt.datetime, end: dt.datetime) -> None:
    """The crew member, in Outlook itself, blocks some time (the console takes UTC)."""
    fmt = "%Y-%m-%dT%H:%M"
    added = Client().post(
        f"{CONSOLE}?user={WORK_USER}",
        {
            "action": "add",
            "subject": SECRET_SUBJECT,
            "start": start.astimezone(dt.UTC).strftime(fmt),
            "end": end.astimezone(dt.UTC).strftime(fmt),
            "show_as": "busy",
            "days": "0",
        },
    )
    assert added.status_code == 302


def nowhere_in_patchbay(text: str) -> bool:
    """No table outside the sandbox's own holds `text` (Patchbay's whole database)."""
    with db.cursor() as cursor:
        tables = [t for t in db.introspection.table_names(cursor) if not t.startswith("sandbox")]
        for table in tables:  # names from introspection, the text as a parameter
            probe = f'SELECT 1 FROM "{table}" t WHERE t::text LIKE %s LIMIT 1'  # noqa: S608
            cursor.execute(probe, [f"%{text}%"])
            if cursor.fetchone():
                return False
    return True


def test_crew_connect_choose_get_assigned_see_busy_time_clash_notify_and_disconnect(
    graph: str, tenants: Tenants, queued: list[tuple[Any, ...]]
) -> None:
    crew, manager = client_for(tenants.crew), client_for(tenants.manager)
    connection = connect_through_sandbox(crew)
    mailbox = GraphUser.objects.get(email=WORK_USER)
    assert (connection.owner, connection.remote_id) == (tenants.crew, mailbox.oid)
    grant = connection.grant
    assert grant is not None and grant.refresh_token
    default = choose_default_calendar(crew, connection)
    assert CalendarTarget.objects.get(connection=connection).remote_id == default.graph_id

    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CONFIRMED)  # on a calendar
    shift_start = project.starts_at.replace(hour=8, minute=0, second=0, microsecond=0)
    assert assign(manager, tenants, project, shift_start).status_code == 302
    assignment = CrewAssignment.objects.get()
    sync(connection)

    link = EventLink.objects.get(connection=connection, source="assignment")
    assert link.source_id == assignment.pk
    event = GraphEvent.objects.get(calendar=default, graph_id=link.remote_id)
    assert event.deleted_at is None and event.fields["subject"] == project.name
    zone = ZoneInfo(tenants.alpha.timezone)
    # Graph names zones the Windows way: the organisation's zone, as Outlook spells it.
    assert event.fields["start"]["timeZone"] == windows_zone(tenants.alpha.timezone)
    assert graph_zone(event.fields["start"]["timeZone"]) == zone
    written = dt.datetime.fromisoformat(event.fields["start"]["dateTime"][:19])
    assert written.replace(tzinfo=zone) == assignment.starts_at  # wall time in that zone
    assert event.transaction_id == link.key  # a retried create cannot make a second event

    # The subscription: Graph's validation handshake reached Patchbay when it was made.
    subscription = GraphSubscription.objects.get(user=mailbox)
    cursor = ReadCursor.objects.get(connection=connection)
    assert subscription.sub_id == cursor.channel_id
    assert subscription.notification_url.endswith(NOTIFY)
    assert GraphDelivery.objects.filter(kind="validation", status=200).exists()

    # The crew member blocks the next day in Outlook: the sandbox really notifies
    # Patchbay's receiver, which schedules a read of this connection.
    busy_day = (shift_start + dt.timedelta(days=1)).astimezone(zone).date()
    busy_from = dt.datetime.combine(busy_day, dt.time(10), zone)
    busy_until = busy_from + dt.timedelta(hours=2)
    # Patchbay's own writes notified too (one read for that burst); this is a new burst.
    queued.clear()
    cache.clear()
    add_busy_in_console(busy_from, busy_until)
    delivered = GraphDelivery.objects.filter(kind="change", subscription_id=subscription.sub_id)
    assert [d.status for d in delivered] == [202]
    assert queued == [(connection.pk, SyncRun.Trigger.WEBHOOK)]
    sync(connection)

    block = BusyBlock.objects.get(connection=connection)
    assert (block.starts_at, block.ends_at) == (busy_from, busy_until)
    assert (block.user, block.all_day) == (tenants.crew, False)
    assert not nowhere_in_patchbay(project.name)  # the probe finds what Patchbay keeps
    assert nowhere_in_patchbay(SECRET_SUBJECT)  # no title kept: someone's private calendar

    over = assign(manager, tenants, project, block.starts_at - dt.timedelta(hours=1))
    page = over.content.decode()
    assert over.status_code == 200 and 'data-testid="assign-clash"' in page
    assert "is busy then" in page and "Assign anyway" in page
    assert CrewAssignment.objects.count() == 1  # nothing saved over the busy time

    # Disconnect, asking for Patchbay's events to go; the worker does the rest.
    ours = set(EventLink.objects.filter(connection=connection).values_list("remote_id", flat=True))
    assert len(ours) == 2  # the shift and the project's dates
    left = crew.post(
        f"/settings/integrations/outlook/connections/{connection.pk}/disconnect/",
        {"remove_events": "1", "confirm": "yes"},
    )
    assert left.status_code == 302
    assert not BusyBlock.objects.exists()  # busy time is read only while connected
    outcome = remove_at_provider(connection.pk, grant.pk, tenants.crew.pk)
    assert outcome == "removed at the provider", outcome

    assert not GraphEvent.objects.filter(graph_id__in=ours, deleted_at__isnull=True).exists()
    assert GraphEvent.objects.get(fields__subject=SECRET_SUBJECT).deleted_at is None
    assert not GraphSubscription.objects.filter(user=mailbox).exists()
    forgotten = OAuthGrant.objects.get(pk=grant.pk)
    assert forgotten.status == OAuthGrant.Status.REVOKED
    assert not forgotten.access_token and not forgotten.refresh_token
    assert not EventLink.objects.filter(connection=connection).exists()
