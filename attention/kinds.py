"""The kinds of problem Patchbay tells people about, who can act on each, and which of
them an owner may not silence (docs/notifications.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from tenancy.roles import Capability


class Kind(models.TextChoices):
    CONNECTION_ERROR = "connection_error", "A connection needs Reconnect"
    CONNECTION_DEGRADED = "connection_degraded", "A connection degraded for over an hour"
    DAILY_LIMIT = "daily_limit", "A provider's daily limit reached"
    SYNC_FAILING = "sync_failing", "A sync failing three runs in a row"
    REVIEWS_WAITING = "reviews_waiting", "Reviews or conflicts waiting over a day"
    WEBHOOK_FAILING = "webhook_failing", "A webhook endpoint failing for 24 hours"
    WEBHOOK_DISABLED = "webhook_disabled", "A webhook endpoint disabled after 5 days"
    API_KEY_EXPIRING = "api_key_expiring", "An API key expiring within 7 days"
    CALENDAR_RECONNECT = "calendar_reconnect", "Your calendar needs Reconnect"


class Choice(models.TextChoices):
    IMMEDIATELY = "immediately", "Email me immediately"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Off (the notice still shows in Patchbay)"


@dataclass(frozen=True)
class KindInfo:
    # Who is told: members whose role grants this capability; None means the one user
    # the problem belongs to (a crew member's own calendar).
    capability: Capability | None
    # Security-relevant: an owner cannot turn these off.
    security: bool = False


INFO: dict[str, KindInfo] = {
    Kind.CONNECTION_ERROR: KindInfo(Capability.MANAGE_CONNECTIONS, security=True),
    Kind.CONNECTION_DEGRADED: KindInfo(Capability.MANAGE_CONNECTIONS),
    Kind.DAILY_LIMIT: KindInfo(Capability.MANAGE_CONNECTIONS),
    Kind.SYNC_FAILING: KindInfo(Capability.MANAGE_CONNECTIONS),
    Kind.REVIEWS_WAITING: KindInfo(Capability.RESOLVE_CONFLICTS),
    Kind.WEBHOOK_FAILING: KindInfo(Capability.MANAGE_API_ACCESS),
    Kind.WEBHOOK_DISABLED: KindInfo(Capability.MANAGE_API_ACCESS),
    Kind.API_KEY_EXPIRING: KindInfo(Capability.MANAGE_API_ACCESS, security=True),
    Kind.CALENDAR_RECONNECT: KindInfo(None),
}


def capability_of(kind: str) -> Capability | None:
    return INFO[kind].capability


def is_security(kind: str) -> bool:
    return INFO[kind].security


def kinds_for(capabilities: frozenset[Capability]) -> list[str]:
    """The kinds a member with these capabilities can be told about."""
    return [
        kind
        for kind, info in INFO.items()
        if info.capability is None or info.capability in capabilities
    ]
