"""Accounting's registry entries: one line per provider.

An accounting integration syncs (the engine in accounting.engine), shows its sync
state on its card, and excludes the other accounting platforms. Registered with the
platform's registry by AccountingConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from accounting.providers.quickbooks import webhooks as quickbooks_webhooks
from accounting.providers.xero import webhooks as xero_webhooks
from integrations.registry import Category, Integration, get_integration

if TYPE_CHECKING:
    from collections.abc import Mapping

    from accounting.engine.adapter import AccountingAdapter
    from integrations.cards import Card
    from integrations.models import Connection, SyncRun
    from integrations.registry import DisconnectTerms


@dataclass(frozen=True, kw_only=True)
class AccountingIntegration(Integration):
    category: Category = Category.ACCOUNTING
    available: bool = True
    exclusive_group: str = "accounting"  # one accounting platform at a time
    # Dotted path of the sync adapter (accounting.engine.adapter.AccountingAdapter).
    adapter_path: str = ""

    @property
    def syncs(self) -> bool:
        return bool(self.adapter_path)

    def adapter_class(self) -> type[AccountingAdapter]:
        if not self.adapter_path:
            raise LookupError(f"{self.name} has no sync adapter yet.")
        adapter: type[AccountingAdapter] = import_string(self.adapter_path)
        return adapter

    def run_sync(self, connection: Connection, trigger: str, run: SyncRun | None) -> SyncRun:
        from accounting.engine.sync import run_sync  # the engine loads with the first sync

        return run_sync(connection, trigger, run)

    def connected_card(self, connection: Connection, can_manage: bool) -> Card | None:
        from accounting.cards import sync_card

        return sync_card(self, connection, can_manage)

    def disconnect_terms(self, connection: Connection, asked: Mapping[str, str]) -> DisconnectTerms:
        from accounting.cards import disconnect_terms

        return disconnect_terms(self, connection)


ENTRIES = (
    AccountingIntegration(
        slug="xero",
        name="Xero",
        description=(
            "Send invoices and credit notes to Xero and bring payments back. Xero's "
            "accounting API has no time activities, so crew timesheets stay in Patchbay."
        ),
        provider_path="accounting.providers.xero.provider.XeroProvider",
        adapter_path="accounting.providers.xero.adapter.XeroAdapter",
        webhook=xero_webhooks.SOURCE,
    ),
    AccountingIntegration(
        slug="quickbooks",
        name="QuickBooks Online",
        description=(
            "Sync customers, invoices, credit memos and payments with QuickBooks, and "
            "approved crew hours as time activities."
        ),
        provider_path="accounting.providers.quickbooks.provider.QuickBooksProvider",
        adapter_path="accounting.providers.quickbooks.adapter.QuickBooksAdapter",
        urls_path="accounting.providers.quickbooks.urls",
        settings_url_name="integrations:quickbooks-app",
        webhook=quickbooks_webhooks.SOURCE,
    ),
    AccountingIntegration(
        slug="sage",
        name="Sage Business Cloud",
        description=(
            "Keep Sage Accounting's contacts, sales invoices and payments in step. Sage's "
            "accounting API has no purchase orders and no time activities: purchase orders "
            "and crew timesheets stay in Patchbay."
        ),
        provider_path="accounting.providers.sage.provider.SageProvider",
        adapter_path="accounting.providers.sage.adapter.SageAdapter",
    ),
)


def accounting_entry(slug: str) -> AccountingIntegration:
    entry = get_integration(slug)
    if not isinstance(entry, AccountingIntegration):
        raise LookupError(f"{slug!r} is not an accounting integration.")
    return entry


def adapter_class_for(slug: str) -> type[AccountingAdapter]:
    return accounting_entry(slug).adapter_class()


def accounting_slugs() -> list[str]:
    return [entry.slug for entry in ENTRIES if entry.syncs]
