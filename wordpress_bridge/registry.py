"""The WordPress card's registry entry: managed on its own settings page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from integrations.registry import Category, ManagedIntegration

if TYPE_CHECKING:
    from integrations.cards import Card
    from tenancy.models import Membership


@dataclass(frozen=True, kw_only=True)
class WebsiteIntegration(ManagedIntegration):
    """Set up, rather than connected: a website key, then the plugin's first call."""

    def managed_card(self, membership: Membership) -> Card | None:
        from wordpress_bridge.card import website_card

        return website_card(self, membership)


WORDPRESS = WebsiteIntegration(
    slug="wordpress",
    name="WordPress plugin",
    category=Category.WEBSITE,
    description="Show live equipment availability on your WordPress website.",
    available=True,
    manage_url_name="wordpress_bridge:settings",
)

ENTRIES = (WORDPRESS,)
