"""The integration registry: one declarative entry per integration.

Each entry generates its card on the Integrations page and its URLs. An entry
whose integration is not built yet is ``available=False``: its card says so and
offers no action. When a provider package lands, its entry points at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from django.utils.module_loading import import_string

from integrations.providers import OAuthProvider, load_provider


class Category(StrEnum):
    ACCOUNTING = "Accounting"
    WEBSITE = "Website"
    CALENDARS = "Crew calendars"
    DEVELOPERS = "Custom integrations"


@dataclass(frozen=True)
class Integration:
    slug: str
    name: str
    category: Category
    description: str
    available: bool = False
    # Who connects it: the organisation (from its card) or each user (from their profile).
    per_user: bool = False
    # Integrations in one exclusive group can't be connected at the same time.
    exclusive_group: str = ""
    # Dotted path of the provider class (integrations.providers.OAuthProvider) once built.
    provider_path: str = ""
    # Dotted path of the sync adapter (accounting.engine.adapter.AccountingAdapter).
    adapter_path: str = ""
    # Managed on a page of its own rather than connected (API access): that page's URL
    # name, the page of its logs, its docs, and a function summarising its state.
    manage_url_name: str = ""
    logs_url_name: str = ""
    docs_url_name: str = ""
    status_path: str = ""
    # Dotted path of a URLconf of the integration's own pages, under /<slug>/ (names in
    # the integrations namespace), and the name of its settings page, linked from its card.
    urls_path: str = ""
    settings_url_name: str = ""

    @property
    def connects_by_oauth(self) -> bool:
        return self.available and bool(self.provider_path)

    @property
    def monogram(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper()


INTEGRATIONS: tuple[Integration, ...] = (
    Integration(
        slug="xero",
        name="Xero",
        category=Category.ACCOUNTING,
        description="Send invoices and credit notes to Xero and bring payments back.",
        exclusive_group="accounting",
        available=True,
        provider_path="accounting.providers.xero.provider.XeroProvider",
        adapter_path="accounting.providers.xero.adapter.XeroAdapter",
    ),
    Integration(
        slug="quickbooks",
        name="QuickBooks Online",
        category=Category.ACCOUNTING,
        description="Sync customers, invoices, credit memos and payments with QuickBooks.",
        exclusive_group="accounting",
        available=True,
        provider_path="accounting.providers.quickbooks.provider.QuickBooksProvider",
        adapter_path="accounting.providers.quickbooks.adapter.QuickBooksAdapter",
        urls_path="accounting.providers.quickbooks.urls",
        settings_url_name="integrations:quickbooks-app",
    ),
    Integration(
        slug="sage",
        name="Sage Business Cloud",
        category=Category.ACCOUNTING,
        description="Keep Sage Accounting's contacts, sales invoices and payments in step.",
        exclusive_group="accounting",
        available=True,
        provider_path="accounting.providers.sage.provider.SageProvider",
        adapter_path="accounting.providers.sage.adapter.SageAdapter",
    ),
    Integration(
        slug="wordpress",
        name="WordPress plugin",
        category=Category.WEBSITE,
        description="Show live equipment availability on your WordPress website.",
    ),
    Integration(
        slug="google-calendar",
        name="Google Calendar",
        category=Category.CALENDARS,
        description="Crew see their assignments in Google Calendar; busy time flows back.",
        per_user=True,
    ),
    Integration(
        slug="outlook",
        name="Microsoft Outlook",
        category=Category.CALENDARS,
        description="Crew see their assignments in Outlook; busy time flows back.",
        per_user=True,
    ),
    Integration(
        slug="icloud",
        name="Apple iCloud",
        category=Category.CALENDARS,
        description="Publish crew assignments to an iCloud calendar over CalDAV.",
        per_user=True,
    ),
    Integration(
        slug="api",
        name="API access",
        category=Category.DEVELOPERS,
        description="REST API keys with scopes and signed webhooks for your own tools.",
        available=True,
        manage_url_name="apikeys:index",
        logs_url_name="apikeys:webhooks:deliveries",
        docs_url_name="api:docs",
        status_path="apikeys.status.card_status",
    ),
)

_BY_SLUG = {integration.slug: integration for integration in INTEGRATIONS}


def get_integration(slug: str) -> Integration | None:
    return _BY_SLUG.get(slug)


def rivals(integration: Integration) -> list[str]:
    """Slugs that can't be connected alongside ``integration`` (its exclusive group)."""
    if not integration.exclusive_group:
        return []
    return [
        other.slug
        for other in INTEGRATIONS
        if other.exclusive_group == integration.exclusive_group and other.slug != integration.slug
    ]


def adapter_class_for(slug: str) -> Any:
    integration = _BY_SLUG[slug]
    if not integration.adapter_path:
        raise LookupError(f"{integration.name} has no sync adapter yet.")
    return import_string(integration.adapter_path)


@cache
def provider_for(slug: str) -> OAuthProvider:
    integration = _BY_SLUG[slug]
    if not integration.provider_path:
        raise LookupError(f"{integration.name} has no provider yet.")
    return load_provider(integration.provider_path)


def by_category() -> list[tuple[Category, list[Integration]]]:
    return [
        (category, [i for i in INTEGRATIONS if i.category == category]) for category in Category
    ]
