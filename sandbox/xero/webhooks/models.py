"""Xero's side of webhooks: an app's subscription, the events it owes, and each attempt.

Provider-side rows, like the rest of the sandbox: no Patchbay data, not tenant-owned.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class XeroWebhookSubscription(models.Model):
    """An app's webhook: the URL it was last checked for, and whether Xero sends to it."""

    class Status(models.TextChoices):
        # Xero's developer portal shows these three states for a webhook.
        INTENT_REQUIRED = "intent_required", "Intent to receive required"
        OK = "ok", "OK"
        DISABLED = "disabled", "Disabled"

    client_id = models.CharField(max_length=200, unique=True)
    url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTENT_REQUIRED)
    status_reason = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.client_id}: {self.get_status_display()}"

    @property
    def is_ok(self) -> bool:
        return self.status == self.Status.OK


class XeroWebhookEvent(models.Model):
    """One change owed to one app. Its id is the event sequence number in the payload."""

    id = models.BigAutoField(primary_key=True)
    client_id = models.CharField(max_length=200)
    tenant_id = models.UUIDField()
    tenant_type = models.CharField(max_length=20, default="ORGANISATION")
    category = models.CharField(max_length=20)  # CONTACT, INVOICE, CREDITNOTE
    event_type = models.CharField(max_length=10)  # CREATE, UPDATE
    resource_id = models.UUIDField()
    resource_url = models.URLField(max_length=500)
    event_date = models.DateTimeField()
    data = models.JSONField(null=True, blank=True)  # credit notes: {"Type", "Status"}
    delivery = models.ForeignKey(
        "XeroWebhookDelivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )

    class Meta:
        indexes = [models.Index(fields=["delivery", "id"], name="sandbox_xero_whevent_pending")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} {self.event_type} {self.resource_id}"


class XeroWebhookDelivery(models.Model):
    """One POST Xero makes (or keeps retrying): a batch of events, or a handshake request."""

    class Kind(models.TextChoices):
        EVENTS = "events", "Events"
        INTENT_SIGNED = "intent_signed", "Intent to receive, correctly signed"
        INTENT_MISSIGNED = "intent_missigned", "Intent to receive, wrongly signed"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"  # retries ran out, or the subscription was disabled
        ANSWERED = "answered", "Answered as expected"  # a handshake request
        WRONG_ANSWER = "wrong_answer", "Wrong answer"  # a handshake request

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True)
    client_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVENTS)
    url = models.URLField(max_length=500)
    body = models.TextField()
    signature = models.CharField(max_length=100)
    event_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.url}: {self.get_status_display()}"

    @property
    def is_done(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RETRYING)
