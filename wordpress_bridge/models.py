"""What the organisation's website may show, and how the plugin's calls have gone."""

from __future__ import annotations

from django.db import models

from operations.models import EquipmentCategory, EquipmentItem
from tenancy.models import TenantModel


class WebsiteSettings(TenantModel):
    """One per organisation: the card's settings and the last calls' standing."""

    class DisplayMode(models.TextChoices):
        QUANTITIES = "quantities", "Exact quantities"
        LABELS = "labels", "In stock / Out of stock"
        CALENDAR = "calendar", "Availability calendar"

    # Labels by default: a new site shows no stock figures until the owner says so.
    display_mode = models.CharField(
        max_length=12, choices=DisplayMode.choices, default=DisplayMode.LABELS
    )
    shown_categories = models.ManyToManyField(EquipmentCategory, blank=True, related_name="+")
    hidden_items = models.ManyToManyField(EquipmentItem, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # The last accepted call (kept at most once a minute, not per request).
    last_call_at = models.DateTimeField(null=True, blank=True)
    last_call_origin = models.CharField(max_length=300, blank=True)
    site_url = models.CharField(max_length=300, blank=True)
    plugin_version = models.CharField(max_length=40, blank=True)
    # The plugin's "Test connection" succeeded.
    tested_at = models.DateTimeField(null=True, blank=True)
    # The last refused call and why (a regenerated key still in use, an origin not allowed).
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "website settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_website_per_organisation")
        ]

    def __str__(self) -> str:
        return f"Website settings of organisation {self.organisation_id}"


class AllowedOrigin(TenantModel):
    """An origin whose pages may call the public API with the website key.

    Stored normalised (scheme, IDNA lower-case host, port only when not the default),
    optionally ``*.`` on a label boundary, so matching is an exact comparison.
    """

    origin = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["origin"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "origin"], name="allowed_origin_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.origin
