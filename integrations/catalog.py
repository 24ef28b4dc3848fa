"""The platform's own entries: what no kind app declares yet (the website plugin and
the crew calendars, shown as coming soon) and API access, managed on its own page."""

from __future__ import annotations

from integrations.registry import Category, Integration, ManagedIntegration

COMING_SOON = (
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
