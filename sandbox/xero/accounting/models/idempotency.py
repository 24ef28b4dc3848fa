"""Responses kept for Idempotency-Key replays.

https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sandbox.xero.models import XeroOrganisation


class XeroIdempotentRequest(models.Model):
    organisation = models.ForeignKey(XeroOrganisation, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=200)
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "client_id", "key"], name="sandbox_xero_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.status}"
