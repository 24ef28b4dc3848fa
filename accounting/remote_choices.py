"""The cached copy of each connection's remote choices (chart of accounts, tax rates,
classes and locations) that the mappings page offers.

Web requests only read the copy and ask for a refresh; a Celery task
(accounting.tasks.refresh_remote_choices) fetches through the same audited,
rate-budgeted call layer as the sync, so no page waits on a provider's budget.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounting.engine.adapter import RemoteChoice, Tracking
from accounting.engine.sync import adapter_for
from accounting.models import RemoteChoices
from integrations.errors import ProviderError
from integrations.models import Connection

# Older than this, the page asks for a fresh copy (and shows the old one meanwhile).
MAX_AGE = timedelta(hours=6)
# A refresh not finished by then is taken as lost (a worker stopped) and may be asked again.
REFRESH_GIVES_UP = timedelta(minutes=5)


def cached(connection: Connection) -> RemoteChoices | None:
    return RemoteChoices.objects.filter(connection=connection).first()


def is_refreshing(row: RemoteChoices | None) -> bool:
    return (
        row is not None
        and row.refresh_requested_at is not None
        and timezone.now() - row.refresh_requested_at < REFRESH_GIVES_UP
    )


def _options(row: RemoteChoices, key: str) -> list[RemoteChoice]:
    return [RemoteChoice(**option) for option in row.choices.get(key, [])]


def accounts(row: RemoteChoices) -> list[RemoteChoice]:
    return _options(row, "accounts")


def tax_rates(row: RemoteChoices) -> list[RemoteChoice]:
    return _options(row, "tax_rates")


def expense_accounts(row: RemoteChoices) -> list[RemoteChoice]:
    """Accounts purchase order lines go to (only ledgers that take purchase orders)."""
    return _options(row, "expense_accounts")


def tracking(row: RemoteChoices) -> Tracking:
    return Tracking(classes=_options(row, "classes"), locations=_options(row, "locations"))


def request_refresh(connection: Connection) -> RemoteChoices:
    """Mark a refresh as running and enqueue it once this transaction commits; a refresh
    already running is not asked twice."""
    from accounting.tasks import refresh_remote_choices  # tasks import this module

    with transaction.atomic():
        row, _ = RemoteChoices.objects.select_for_update().get_or_create(
            connection=connection, defaults={"organisation_id": connection.organisation_id}
        )
        if is_refreshing(row):
            return row
        row.refresh_requested_at = timezone.now()
        row.save(update_fields=["refresh_requested_at"])
        transaction.on_commit(lambda: refresh_remote_choices.delay(connection.pk))
    return row


def fresh_or_requested(connection: Connection) -> RemoteChoices:
    """The cached copy; missing or older than MAX_AGE, a refresh is asked for too."""
    row = cached(connection)
    stale = row is None or row.fetched_at is None or timezone.now() - row.fetched_at > MAX_AGE
    if stale and not is_refreshing(row):
        row = request_refresh(connection)
    assert row is not None  # noqa: S101 - request_refresh always returns the row
    return row


def _serialised(options: list[RemoteChoice]) -> list[dict[str, Any]]:
    return [asdict(option) for option in options]


def fetch(connection: Connection) -> RemoteChoices:
    """Worker side: read the choices from the provider and store them. A provider error
    is kept on the row for the page to show; the previous copy stays usable."""
    row, _ = RemoteChoices.objects.get_or_create(
        connection=connection, defaults={"organisation_id": connection.organisation_id}
    )
    adapter = adapter_for(connection, None)
    try:
        dimensions = adapter.tracking()
        row.choices = {
            "accounts": _serialised(adapter.accounts()),
            "tax_rates": _serialised(adapter.tax_rates()),
            "classes": _serialised(dimensions.classes),
            "locations": _serialised(dimensions.locations),
        }
        if adapter.pushes_purchase_orders:
            row.choices["expense_accounts"] = _serialised(adapter.expense_accounts())
    except ProviderError as error:
        row.error = error.message[:500]
    else:
        row.fetched_at = timezone.now()
        row.error = ""
    row.refresh_requested_at = None
    row.save()
    return row
