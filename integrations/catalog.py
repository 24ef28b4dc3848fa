"""The platform's own entry: API access, managed on its own page. (The website plugin's
entry is registered by the wordpress_bridge app.)"""

from __future__ import annotations

from integrations.registry import Category, ManagedIntegration

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

PLATFORM_ENTRIES = (API_ACCESS,)
