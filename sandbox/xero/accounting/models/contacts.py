"""Contacts: the customers and suppliers of an organisation."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from sandbox.xero.models import XeroOrganisation


def _empty_list() -> list[Any]:
    return []


class XeroContact(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"
        GDPRREQUEST = "GDPRREQUEST"

    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    contact_id = models.UUIDField(unique=True, default=uuid.uuid4)
    name = models.CharField(max_length=255)
    contact_number = models.CharField(max_length=50, blank=True)
    account_number = models.CharField(max_length=50, blank=True)
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    email_address = models.CharField(max_length=255, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    is_supplier = models.BooleanField(default=False)
    addresses = models.JSONField(default=_empty_list, blank=True)
    phones = models.JSONField(default=_empty_list, blank=True)
    created_by = models.CharField(max_length=200, blank=True, help_text="client_id, or blank")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "updated_at"], name="sandbox_xero_contact_upd"),
            models.Index(fields=["organisation", "name"], name="sandbox_xero_contact_name"),
        ]

    def __str__(self) -> str:
        return self.name
