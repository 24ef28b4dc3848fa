"""The provider status page's own tables: the health summary a beat task computes from
the call audit, the audit positions it starts from, and the operators' incident notes.

None of these rows belongs to an organisation: they describe providers as all of
Patchbay sees them, and hold nothing of any tenant's.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


def provider_choices() -> list[tuple[str, str]]:
    """The providers the page shows, read from the registry when a form asks (the
    registry is filled by the kinds' AppConfig.ready, after models load)."""
    from status.providers import status_providers

    return [(entry.slug, entry.name) for entry in status_providers()]


class ProviderHealth(models.Model):
    """One provider's calls over one window (the last hour, the last day), as of
    `computed_at`. Rewritten whole by each beat run: the page reads only this."""

    class Window(models.TextChoices):
        HOUR = "hour", "Last hour"
        DAY = "day", "Last 24 hours"

    provider = models.CharField(max_length=40)
    window = models.CharField(max_length=4, choices=Window.choices)
    calls = models.PositiveIntegerField(default=0)
    # Answered 5xx, or not answered at all (network failure, timeout).
    failures = models.PositiveIntegerField(default=0)
    rate_limited = models.PositiveIntegerField(default=0)  # answered 429
    p95_ms = models.PositiveIntegerField(null=True)  # None: no calls to measure
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "window"], name="one_health_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.provider} over the {self.window}"


class AuditMark(models.Model):
    """The highest audit id committed at `taken_at`. A window that starts after a mark
    was taken holds no row at or below its id (a row is stamped before its id is
    drawn), so the summary reads the audit from the newest such mark by primary key
    instead of scanning the whole table by time."""

    taken_at = models.DateTimeField(db_index=True)
    last_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"audit id {self.last_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class ProviderIncident(models.Model):
    """A note an operator writes from the admin about a provider's trouble."""

    provider = models.CharField(max_length=40, choices=provider_choices)
    title = models.CharField(max_length=120)
    body = models.TextField(help_text="What is affected and what users should do.")
    started_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty while the incident lasts."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["resolved_at", "started_at"])]

    def __str__(self) -> str:
        return f"{self.provider}: {self.title}"

    @property
    def ongoing(self) -> bool:
        return self.resolved_at is None or self.resolved_at > timezone.now()
