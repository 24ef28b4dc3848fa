"""Webhook endpoints, the outbox of events, and each event's delivery to each endpoint.

PostgreSQL is the record of what is due: a delivery's ``next_attempt_at`` says
when it should next be sent. Messages on the broker only wake a worker up; if the
broker loses them, the sweeper finds the due rows and sends new ones.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from integrations.vault import EncryptedTextField, mask
from tenancy.models import TenantModel


class Endpoint(TenantModel):
    url = models.CharField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="Subscribed event type names")
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # Since when every attempt has failed (None while healthy), and when Patchbay turned
    # the endpoint off for it: webhooks.endpoint_health.
    failing_since = models.DateTimeField(null=True, blank=True)
    auto_disabled_at = models.DateTimeField(null=True, blank=True)
    secret = EncryptedTextField()
    # During a rotation the old secret signs too, until it expires.
    previous_secret = EncryptedTextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def masked_secret(self) -> str:
        return mask(self.secret)

    def signing_secrets(self, now: datetime) -> list[str]:
        secrets = [self.secret]
        expires = self.previous_secret_expires_at
        if self.previous_secret and expires is not None and expires > now:
            secrets.append(self.previous_secret)
        return secrets

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in (self.event_types or [])


class Event(TenantModel):
    """The outbox: written in the same transaction as the change it reports."""

    event_id = models.CharField(max_length=40, unique=True, help_text="The webhook-id header")
    type = models.CharField(max_length=60)
    body = models.TextField(help_text="The exact JSON sent on every attempt")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class Delivery(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.PENDING, Status.RETRYING)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A Resend's attempt: tried once, never retried on a schedule.
    manual = models.BooleanField(default=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a wake-up message was last sent for it (the sweeper resends old ones).
    hinted_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status__in=["pending", "retrying"]),
            ),
            # The pump's claim (webhooks/fanout.py): each endpoint's own due rows, so that
            # an endpoint at its in-flight cap is stepped over in one index descent, not
            # by reading through its whole backlog on every claim.
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                name="delivery_due_by_endpoint",
                condition=Q(status__in=["pending", "retrying"]),
            ),
            models.Index(fields=["organisation", "-id"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to endpoint {self.endpoint_id}"

    @property
    def is_terminal(self) -> bool:
        return self.status not in self.ACTIVE


class Attempt(TenantModel):
    """One try of a delivery. On PostgreSQL the table is partitioned by month on
    `started_at` (migration 0002, integrations/partitions.py), its primary key is
    (id, started_at) while Django keeps `id` as the pk; months past
    WEBHOOK_ATTEMPT_RETENTION_MONTHS are dropped. Nothing may point a ForeignKey here."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MANUAL = "manual", "Resend"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    url = models.CharField(max_length=2000)
    resolved_ip = models.CharField(max_length=45, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2,000 characters")
    error_class = models.CharField(max_length=20, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
