"""A connection's cached copy of what the ledger offers a settings page to choose from
(``RemoteChoices``: accounts and tax rates; ``CrewChoices``: employees and vendors).

Pages read the copy and ask for a refresh; a Celery task fetches through the adapter's
audited, rate-budgeted call layer, so no page load calls the provider. Both copies
keep the same bookkeeping, written once here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from accounting.engine.adapter import RemoteChoice
from accounting.models import CrewChoices, RemoteChoices
from integrations.errors import ProviderError
from integrations.models import Connection

# Older than this, the page asks for a fresh copy (and shows the old one meanwhile).
MAX_AGE = timedelta(hours=6)
# A refresh not finished by then is taken as lost (a worker stopped) and may be asked again.
REFRESH_GIVES_UP = timedelta(minutes=5)

Row = TypeVar("Row", RemoteChoices, CrewChoices)


def cached(model: type[Row], connection: Connection) -> Row | None:
    return model.objects.filter(connection=connection).first()


def is_refreshing(row: RemoteChoices | CrewChoices | None) -> bool:
    return (
        row is not None
        and row.refresh_requested_at is not None
        and timezone.now() - row.refresh_requested_at < REFRESH_GIVES_UP
    )


def request_refresh(model: type[Row], connection: Connection, task: str) -> Row:
    """Mark a refresh as running and enqueue ``accounting.tasks.<task>`` once this
    transaction commits; a refresh already running is not asked twice."""
    # By name: the tasks module imports the modules that call this one.
    refresh = getattr(importlib.import_module("accounting.tasks"), task)
    with transaction.atomic():
        row, _ = model.objects.select_for_update().get_or_create(
            connection=connection, defaults={"organisation_id": connection.organisation_id}
        )
        if is_refreshing(row):
            return row
        row.refresh_requested_at = timezone.now()
        row.save(update_fields=["refresh_requested_at"])
        transaction.on_commit(lambda: refresh.delay(connection.pk))
    return row


def fresh_or_requested(model: type[Row], connection: Connection, task: str) -> Row:
    """The cached copy; missing or older than MAX_AGE, a refresh is asked for too."""
    row = cached(model, connection)
    stale = row is None or row.fetched_at is None or timezone.now() - row.fetched_at > MAX_AGE
    if stale and not is_refreshing(row):
        row = request_refresh(model, connection, task)
    assert row is not None  # noqa: S101 - request_refresh always returns the row
    return row


def store(model: type[Row], connection: Connection, read: Callable[[], dict[str, Any]]) -> Row:
    """Worker side: ``read`` the choices from the provider and keep them. A provider
    error is kept on the row for the page to show; the previous copy stays usable."""
    row, _ = model.objects.get_or_create(
        connection=connection, defaults={"organisation_id": connection.organisation_id}
    )
    try:
        choices = read()
    except ProviderError as error:
        row.error = error.message[:500]
    else:
        row.choices = choices
        row.fetched_at = timezone.now()
        row.error = ""
    row.refresh_requested_at = None
    row.save()
    return row


def serialised(options: list[RemoteChoice]) -> list[dict[str, Any]]:
    return [asdict(option) for option in options]


def options(row: RemoteChoices | CrewChoices | None, key: str) -> list[RemoteChoice]:
    if row is None:
        return []
    return [RemoteChoice(**option) for option in row.choices.get(key, [])]
