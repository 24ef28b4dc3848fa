"""Builders for connection tests: fake JWTs and ready-made grants and connections."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from integrations import schedule
from integrations.models import AppPassword, Connection, OAuthGrant, SyncSchedule
from tenancy.models import Organisation, User


def fake_jwt(**claims: Any) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


def make_grant(
    organisation: Organisation, *, expires_in: timedelta = timedelta(minutes=30), **extra: Any
) -> OAuthGrant:
    defaults: dict[str, Any] = {
        "provider": "xero",
        "subject": "xero-user-1",
        "access_token": fake_jwt(sub="xero-user-1", n=1),
        "refresh_token": "refresh-token-one",
        "access_expires_at": timezone.now() + expires_in,
        "last_refreshed_at": timezone.now(),
    }
    return OAuthGrant.objects.create(organisation=organisation, **{**defaults, **extra})


def make_connection(
    organisation: Organisation,
    grant: OAuthGrant | None = None,
    *,
    next_sync_at: datetime | None = None,
    **extra: Any,
) -> Connection:
    """A connection, due at once (as a new one is) unless ``next_sync_at`` says when."""
    defaults: dict[str, Any] = {
        "provider": "xero",
        "remote_id": "tenant-1",
        "remote_name": "Demo Company (UK)",
        "remote_connection_id": "conn-1",
        "grant": grant or make_grant(organisation),
    }
    connection = Connection.objects.create(organisation=organisation, **{**defaults, **extra})
    if next_sync_at is not None:
        schedule.set_next(connection, next_sync_at)
    return connection


def next_sync_at(connection: Connection) -> datetime | None:
    """When the connection syncs next, read afresh from its schedule."""
    return SyncSchedule.objects.get(connection=connection).next_sync_at


def make_password_connection(
    organisation: Organisation,
    owner: User,
    username: str = "crew@icloud.test",
    provider: str = "icloud",
    password: str = "abcdabcdabcdabcd",  # noqa: S107 - a test's made-up password
    **extra: Any,
) -> Connection:
    """A person's own connection signed in with an app-specific password (iCloud)."""
    app_password = AppPassword.objects.create(
        organisation=organisation,
        provider=provider,
        owner=owner,
        username=username,
        password=password,
    )
    return Connection.objects.create(
        organisation=organisation,
        owner=owner,
        provider=provider,
        remote_id=username,
        remote_name=username,
        app_password=app_password,
        **extra,
    )


def disconnect_through_page(client: Any, url: str) -> Any:
    """Press Disconnect, then do what the worker does with the removal it enqueued
    (unlink and revoke at the provider), here and now."""
    from unittest import mock

    from django.test import TestCase

    from integrations import tasks

    def run_now(*args: Any) -> Any:
        return tasks.remove_at_provider(*args)

    with (
        mock.patch.object(tasks.remove_at_provider, "delay", run_now),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        return client.post(url, {"confirm": "yes"})  # the confirmation page's button
