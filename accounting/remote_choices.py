"""The cached copy of each connection's remote choices (chart of accounts, tax rates,
classes and locations) that the mappings page offers.

Web requests only read the copy and ask for a refresh; a Celery task
(accounting.tasks.refresh_remote_choices) fetches through the same audited,
rate-budgeted call layer as the sync, so no page waits on a provider's budget.
"""

from __future__ import annotations

from typing import Any

from accounting import choice_cache
from accounting.engine.adapter import RemoteChoice, Tracking
from accounting.engine.sync import adapter_for
from accounting.models import RemoteChoices
from integrations.models import Connection

TASK = "refresh_remote_choices"
is_refreshing = choice_cache.is_refreshing


def cached(connection: Connection) -> RemoteChoices | None:
    return choice_cache.cached(RemoteChoices, connection)


def _options(row: RemoteChoices, key: str) -> list[RemoteChoice]:
    return choice_cache.options(row, key)


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
    return choice_cache.request_refresh(RemoteChoices, connection, TASK)


def fresh_or_requested(connection: Connection) -> RemoteChoices:
    return choice_cache.fresh_or_requested(RemoteChoices, connection, TASK)


def fetch(connection: Connection) -> RemoteChoices:
    """Worker side: read the chart, tax rates and tracking from the provider and keep
    them."""

    def read() -> dict[str, Any]:
        adapter = adapter_for(connection, None)
        dimensions = adapter.tracking()
        choices = {
            "accounts": choice_cache.serialised(adapter.accounts()),
            "tax_rates": choice_cache.serialised(adapter.tax_rates()),
            "classes": choice_cache.serialised(dimensions.classes),
            "locations": choice_cache.serialised(dimensions.locations),
        }
        if adapter.pushes_purchase_orders:
            choices["expense_accounts"] = choice_cache.serialised(adapter.expense_accounts())
        return choices

    return choice_cache.store(RemoteChoices, connection, read)
