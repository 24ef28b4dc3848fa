"""What came in from the providers, and which connections it woke.

`ProviderNotification` is a support log, not tenant data: one delivery from Xero can
name several organisations. It never keeps the body (ids only) and is purged after
WEBHOOK_NOTIFICATION_RETENTION_DAYS. `SyncWakeup` is tenant-owned: one pending wake-up
per connection, which is what makes a burst of notifications one sync run.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from integrations.models import Connection
from tenancy.models import TenantModel


class ProviderNotification(models.Model):
    class Outcome(models.TextChoices):
        SCHEDULED = "scheduled", "Sync scheduled"
        IGNORED = "ignored", "Verified, no connection to wake"
        INTENT = "intent", "Intent to receive answered"
        UNREADABLE = "unreadable", "Verified but unreadable"
        REFUSED = "refused", "Refused (not verified)"

    provider = models.CharField(max_length=40)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    body_bytes = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    # Xero's firstEventSequence-lastEventSequence, for matching Xero's own logs.
    sequence = models.CharField(max_length=40, blank=True)
    remote_ids = models.JSONField(default=list, blank=True)
    unknown_remote_ids = models.JSONField(default=list, blank=True)
    connection_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["provider", "outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.outcome} at {self.received_at:%Y-%m-%d %H:%M:%S}"


class SyncWakeup(TenantModel):
    """A connection woken by a notification; the webhook dispatcher starts its run."""

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="webhook_wakeup"
    )
    first_at = models.DateTimeField(help_text="When the first notification of the burst came")
    due_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"wake-up of connection {self.connection_id} due {self.due_at:%H:%M:%S}"
