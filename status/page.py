"""What the public status page shows: per provider, a verdict from the last hour's
figures and the operators' notes. Two queries, whatever the audit's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Q

from integrations.registry import Integration
from status.models import ProviderHealth, ProviderIncident
from status.providers import status_providers

# A share of failed calls at or above which a provider is degraded, or down.
DEGRADED_SHARE = 0.05
DOWN_SHARE = 0.5
# Figures older than this say the summary task has stopped.
STALE_AFTER = timedelta(minutes=5)
# Resolved incidents stay on the page this long.
RECENT_INCIDENTS = timedelta(days=7)
MAX_INCIDENTS = 30


class Level(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    DOWN = "down"
    QUIET = "quiet"  # no calls in the window: nothing to judge by


LEVEL_LABELS = {
    Level.OPERATIONAL: "Operational",
    Level.DEGRADED: "Degraded",
    Level.DOWN: "Major outage",
    Level.QUIET: "No recent calls",
}


@dataclass(frozen=True)
class Figures:
    """One window's figures, as shown."""

    label: str
    calls: int
    failures: int
    rate_limited: int
    p95_ms: int | None

    @property
    def failure_share(self) -> float:
        return self.failures / self.calls if self.calls else 0.0

    @property
    def failure_percent(self) -> str:
        return f"{self.failure_share:.1%}" if self.calls else "—"


def figures(row: ProviderHealth | None, window: str) -> Figures:
    label = ProviderHealth.Window(window).label
    if row is None:
        return Figures(label, 0, 0, 0, None)
    return Figures(label, row.calls, row.failures, row.rate_limited, row.p95_ms)


def verdict(hour: Figures, incidents: list[ProviderIncident]) -> Level:
    """The last hour decides; an ongoing incident an operator posted makes it at least
    degraded, whatever the figures (the operator knows something they don't show)."""
    if not hour.calls:
        level = Level.QUIET
    elif hour.failure_share >= DOWN_SHARE:
        level = Level.DOWN
    elif hour.failure_share >= DEGRADED_SHARE:
        level = Level.DEGRADED
    else:
        level = Level.OPERATIONAL
    if level in (Level.OPERATIONAL, Level.QUIET) and any(i.ongoing for i in incidents):
        return Level.DEGRADED
    return level


@dataclass(frozen=True)
class ProviderStatus:
    integration: Integration
    hour: Figures
    day: Figures
    incidents: list[ProviderIncident] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return verdict(self.hour, self.incidents)

    @property
    def windows(self) -> list[Figures]:
        return [self.hour, self.day]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class StatusPage:
    providers: list[ProviderStatus]
    computed_at: datetime | None
    stale: bool


def incidents_since(now: datetime) -> dict[str, list[ProviderIncident]]:
    recent = Q(resolved_at__isnull=True) | Q(resolved_at__gte=now - RECENT_INCIDENTS)
    found: dict[str, list[ProviderIncident]] = defaultdict(list)
    for incident in ProviderIncident.objects.filter(recent).order_by("-started_at")[:MAX_INCIDENTS]:
        found[incident.provider].append(incident)
    return found


def build(now: datetime) -> StatusPage:
    rows = {(row.provider, row.window): row for row in ProviderHealth.objects.all()}
    incidents = incidents_since(now)
    providers = [
        ProviderStatus(
            entry,
            figures(rows.get((entry.slug, ProviderHealth.Window.HOUR)), ProviderHealth.Window.HOUR),
            figures(rows.get((entry.slug, ProviderHealth.Window.DAY)), ProviderHealth.Window.DAY),
            incidents.get(entry.slug, []),
        )
        for entry in status_providers()
    ]
    computed = min((row.computed_at for row in rows.values()), default=None)
    stale = computed is None or now - computed > STALE_AFTER
    return StatusPage(providers, computed, stale)
