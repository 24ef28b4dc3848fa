"""API keys (stored as a SHA-256 digest only) and their append-only audit trail."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apikeys.scopes import Scopes
from tenancy.models import TenantModel


class ApiKey(TenantModel):
    class Tier(models.TextChoices):
        STANDARD = "standard", "Standard"
        ELEVATED = "elevated", "Elevated"

    class RevokedReason(models.TextChoices):
        MANUAL = "manual", "Revoked"
        EXPIRED = "expired", "Expired"

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key")
    prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to tell keys apart"
    )
    last4 = models.CharField(max_length=4)
    scopes = models.JSONField(default=dict)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    # Elevated tier only: the limits an owner set for this key.
    minute_limit = models.PositiveIntegerField(null=True, blank=True)
    hour_limit = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=10, choices=RevokedReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["expires_at"], name="apikey_expiring", condition=Q(revoked_at__isnull=True)
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revoked_reason=""),
                name="apikey_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(tier="standard") | Q(minute_limit__gt=0, hour_limit__gt=0),
                name="apikey_elevated_has_limits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked})"

    @property
    def masked(self) -> str:
        return f"{self.prefix}…{self.last4}"

    @property
    def scope_map(self) -> Scopes:
        return dict(self.scopes) if isinstance(self.scopes, dict) else {}

    def expired_at(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.get_revoked_reason_display()
        return "Expired" if self.expired_at(now) else "Active"


class ApiKeyEvent(TenantModel):
    """Append-only: who created or revoked a key, and refused uses of it."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        LIMITS_CHANGED = "limits_changed", "Rate limits changed"
        REFUSED = "refused", "Use refused"

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key.masked}"


class WebsiteKey(TenantModel):
    """The organisation's key for its public website (the WordPress plugin).

    Of its own type (``pbpk_``), fixed to reading public availability, with its own
    rate tier; one active key per organisation. Regenerating revokes the old key in
    the same transaction, so it is refused from the very next call. Only the SHA-256
    digest is stored, like an API key's.
    """

    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key")
    prefix = models.CharField(max_length=12)
    last4 = models.CharField(max_length=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The Origin of the last browser call; blank when the last call came from a server.
    last_used_origin = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_website_key_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"Website key {self.masked}"

    @property
    def masked(self) -> str:
        return f"{self.prefix}…{self.last4}"
