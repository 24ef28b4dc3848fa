"""The platform's own entries: what no kind app declares yet (the website plugin,
shown as coming soon) and API access, managed on its own page."""

from __future__ import annotations

from integrations.registry import Category, Integration, ManagedIntegration

COMING_SOON = (
    Integration(
        slug="wordpress",
        name="WordPress plugin",
        category=Category.WEBSITE,
        description="Show live equipment availability on your WordPress website.",
    ),
)

API_ACCESS = ManagedIntegration(
    slug="api",
    name="API access",
    category=Category.DEVELOPERS,
    description="REST API keys with scopes and signed webhooks for your own tools.",
    available=True,
    manage_url_name="apikeys:index",
    logs_url_name="apikeys:webhooks:deliveries",
    docs_url_name="api:docs",
    status_path="apikeys.status.card_status",
)

PLATFORM_ENTRIES = (*COMING_SOON, API_ACCESS)
