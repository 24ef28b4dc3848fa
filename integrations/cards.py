"""What each integration card shows: its badge and its one action.

Cards render from the registry and (once connections exist) from the
organisation's connection state, fetched in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from integrations.registry import INTEGRATIONS, Category, Integration
from tenancy.models import Membership
from tenancy.roles import Capability


class Badge(StrEnum):
    NOT_CONNECTED = "not-connected"
    CONNECTED = "connected"
    ERROR = "error"
    SYNCING = "syncing"
    NEEDS_MAPPINGS = "needs-mappings"


BADGE_LABELS = {
    Badge.NOT_CONNECTED: "Not Connected",
    Badge.CONNECTED: "Connected",
    Badge.ERROR: "Error",
    Badge.SYNCING: "Syncing",
    Badge.NEEDS_MAPPINGS: "Needs mappings",
}


@dataclass(frozen=True)
class Action:
    label: str
    enabled: bool
    reason: str = ""
    url: str = ""


@dataclass(frozen=True)
class Card:
    integration: Integration
    badge: Badge
    action: Action
    detail: str = ""

    @property
    def badge_label(self) -> str:
        return BADGE_LABELS[self.badge]

    @property
    def dom_id(self) -> str:
        return f"card-{self.integration.slug}"


def _action(integration: Integration, membership: Membership) -> Action:
    if not integration.available:
        return Action("Available soon", enabled=False, reason="This integration is not built yet.")
    if integration.per_user:
        return Action("Connect from your profile", enabled=True)
    if not membership.can(Capability.MANAGE_CONNECTIONS):
        return Action(
            "Connect", enabled=False, reason="Only owners and integration managers can connect."
        )
    return Action("Connect", enabled=True)


def _detail(integration: Integration) -> str:
    if integration.per_user:
        return "Each crew member connects their own calendar from their profile."
    return ""


def build_card(integration: Integration, membership: Membership) -> Card:
    return Card(
        integration=integration,
        badge=Badge.NOT_CONNECTED,
        action=_action(integration, membership),
        detail=_detail(integration),
    )


def build_cards_by_category(membership: Membership) -> list[tuple[Category, list[Card]]]:
    cards = [build_card(integration, membership) for integration in INTEGRATIONS]
    return [
        (category, [card for card in cards if card.integration.category == category])
        for category in Category
    ]
