"""The Outlook adapter against the Graph sandbox served by the live test server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from calendars.event import EventDraft
from calendars.models import ReadCursor
from calendars.providers.outlook.adapter import OutlookAdapter
from integrations.models import Connection, OAuthGrant
from integrations.syncs import sync_connection
from sandbox.microsoft_graph import tokens
from sandbox.microsoft_graph.models import GraphGrant, GraphUser
from sandbox.microsoft_graph.seed import WORK_USER, ensure_demo_world
from tests.conftest import Tenants

SCOPE = "openid profile offline_access Calendars.ReadWrite"
START = dt.datetime(2026, 6, 12, 6, tzinfo=dt.UTC)


@pytest.fixture
def graph(live_server: Any, settings: Any, transactional_db: None) -> str:
    base = f"{live_server.url}/sandbox/microsoft-graph"
    settings.OUTLOOK_AUTHORIZE_URL = f"{base}/login/common/oauth2/v2.0/authorize"
    settings.OUTLOOK_TOKEN_URL = f"{base}/login/common/oauth2/v2.0/token"
    settings.OUTLOOK_GRAPH_BASE = f"{base}/v1.0"
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_GRAPH_NOTIFY_ASYNC = False
    settings.SANDBOX_GRAPH_RETRY_AFTER = "0.05"
    settings.SANDBOX_GRAPH_REDIRECT_URIS = [
        "http://testserver/settings/integrations/outlook/callback/"
    ]
    ensure_demo_world()
    cache.clear()
    return base


@pytest.fixture
def mailbox(graph: str) -> GraphUser:
    return GraphUser.objects.get(email=WORK_USER)


@pytest.fixture
def connection(graph: str, tenants: Tenants, mailbox: GraphUser) -> Connection:
    """The owner's Outlook connection, with tokens the sandbox issued for the work account."""
    sandbox_grant = GraphGrant.objects.create(user=mailbox, client_id=_client_id())
    issued = tokens.issue(sandbox_grant, SCOPE)
    grant = OAuthGrant.objects.create(
        organisation=tenants.alpha,
        provider="outlook",
        subject=mailbox.oid,
        scope=SCOPE,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        access_expires_at=timezone.now() + dt.timedelta(hours=1),
        owner=tenants.owner,
    )
    return Connection.objects.create(
        organisation=tenants.alpha,
        owner=tenants.owner,
        provider="outlook",
        remote_id=mailbox.oid,
        remote_name=mailbox.email,
        grant=grant,
    )


def _client_id() -> str:
    from django.conf import settings

    return str(settings.OUTLOOK_CLIENT_ID)


@pytest.fixture
def adapter(connection: Connection) -> OutlookAdapter:
    return OutlookAdapter(connection)


@pytest.fixture
def cursor(connection: Connection) -> ReadCursor:
    return ReadCursor.objects.create(
        organisation=connection.organisation,
        connection=connection,
        window_start=START - dt.timedelta(days=2),
        window_end=START + dt.timedelta(days=30),
    )


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Reads scheduled by calendars.wake.soon (the task is not run)."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(sync_connection, "apply_async", lambda args, countdown: calls.append(args))
    return calls


def draft(uid: str = "pb" + "0" * 30, **changes: object) -> EventDraft:
    fields: dict[str, object] = {
        "uid": uid,
        "title": "Load-in: Main Stage",
        "start": START,
        "end": START + dt.timedelta(hours=10),
        "time_zone": "Europe/Berlin",
        "description": "Added by Patchbay, which keeps this event.",
    }
    return EventDraft(**{**fields, **changes})  # type: ignore[arg-type]
