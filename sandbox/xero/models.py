"""The provider side of the Xero sandbox.

These rows stand in for what Xero keeps on its own servers: its users and
organisations, the app's grants and connections, and every code and token the
sandbox has issued. None of it is Patchbay data and none of it is tenant-owned.
Tokens are stored only as SHA-256 hashes plus their last four characters.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class XeroOrganisation(models.Model):
    """A Xero organisation (a tenant, in the identity API's words)."""

    class TenantType(models.TextChoices):
        ORGANISATION = "ORGANISATION", "Organisation"
        PRACTICE = "PRACTICE", "Practice"

    tenant_id = models.UUIDField(unique=True, default=uuid.uuid4)
    name = models.CharField(max_length=255)
    tenant_type = models.CharField(
        max_length=20, choices=TenantType.choices, default=TenantType.ORGANISATION
    )
    base_currency = models.CharField(max_length=3, default="GBP")
    country_code = models.CharField(max_length=2, default="GB")
    version = models.CharField(max_length=20, default="UK", help_text="Xero's regional edition")
    xero_timezone = models.CharField(max_length=60, default="GMTSTANDARDTIME")
    short_code = models.CharField(max_length=10, blank=True)
    is_demo_company = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class XeroUser(models.Model):
    """Someone who signs in to Xero; no password, it is a sandbox."""

    xero_userid = models.UUIDField(unique=True, default=uuid.uuid4)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    organisations = models.ManyToManyField(XeroOrganisation, related_name="users", blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def subject(self) -> str:
        # Xero's `sub` claim is the user's id as 32 hex digits; `xero_userid` is a uuid.
        return self.xero_userid.hex

    @property
    def given_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def family_name(self) -> str:
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


class XeroGrant(models.Model):
    """One user's authorisation of one app.

    Xero issues tokens per user per app, not per organisation: one token set
    covers every organisation the user connected.
    https://github.com/XeroAPI/Xero-OpenAPI/issues/585
    """

    user = models.ForeignKey(XeroUser, on_delete=models.CASCADE, related_name="grants")
    client_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="sandbox_xero_grant_per_app")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} / {self.client_id}"


class XeroConnection(models.Model):
    """An organisation connected to an app by a user (Xero's `Connection`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant = models.ForeignKey(XeroGrant, on_delete=models.CASCADE, related_name="connections")
    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="connections"
    )
    auth_event_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "organisation"], name="sandbox_xero_connection_per_tenant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} via {self.grant}"


class XeroAuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(XeroGrant, on_delete=models.CASCADE, related_name="codes")
    redirect_uri = models.TextField()
    scope = models.TextField(help_text="Space-separated, as granted")
    code_challenge = models.CharField(max_length=128, blank=True)
    nonce = models.CharField(max_length=255, blank=True)
    auth_event_id = models.UUIDField()
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.grant}"


class XeroToken(models.Model):
    """An access or refresh token, known by its hash.

    `code` is the exchange that started the token family: a replayed code
    revokes every token descended from it. `parent` is the refresh token that
    was presented to obtain this one.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    grant = models.ForeignKey(XeroGrant, on_delete=models.CASCADE, related_name="tokens")
    code = models.ForeignKey(XeroAuthorizationCode, on_delete=models.CASCADE, related_name="tokens")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    scope = models.TextField()
    auth_event_id = models.UUIDField()
    public_client = models.BooleanField(
        default=False, help_text="Issued to a PKCE client that sent no secret"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} …{self.last4}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


class XeroRefreshPresentation(models.Model):
    """Every refresh token presented to the token endpoint, and what came of it."""

    class Outcome(models.TextChoices):
        ROTATED = "rotated", "Rotated"
        GRACE = "grace", "Replayed within the grace period"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token_hash = models.CharField(max_length=64, db_index=True)
    last4 = models.CharField(max_length=4)
    token = models.ForeignKey(
        XeroToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    client_id = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"…{self.last4} {self.outcome}"


class XeroApiCall(models.Model):
    """One call to the connections or accounting endpoints (also feeds the rate limits)."""

    token = models.ForeignKey(
        XeroToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    client_id = models.CharField(max_length=200, blank=True)
    tenant_id = models.UUIDField(null=True, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["tenant_id", "at"], name="sandbox_xero_call_tenant"),
            models.Index(fields=["client_id", "at"], name="sandbox_xero_call_app"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class XeroFault(models.Model):
    """A fault injected into one part of the sandbox, until it is cleared or `until` passes."""

    class Target(models.TextChoices):
        TOKEN = "token", "Token endpoint"
        API = "api", "Connections and accounting API"

    class Mode(models.TextChoices):
        OK = "ok", "Working normally"
        OUTAGE = "outage", "Outage (503 from the gateway)"
        ERROR_500 = "error_500", "Server error (500)"
        SLOW = "slow", "Slow (delay before answering)"
        COMMIT_THEN_FAIL = "commit_then_fail", "Writes applied, then the answer is lost"
        FLAKY = "flaky", "Flaky (a share of calls fail)"

    target = models.CharField(max_length=10, choices=Target.choices, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OK)
    delay_seconds = models.FloatField(default=0)
    fail_ratio = models.FloatField(default=0, help_text="Flaky: the share of calls that fail")
    seed = models.BigIntegerField(
        null=True, blank=True, help_text="Flaky: makes the failing calls repeatable"
    )
    calls = models.PositiveBigIntegerField(default=0, help_text="Flaky: calls seen so far")
    failed = models.PositiveBigIntegerField(default=0, help_text="Flaky: calls failed so far")
    until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.target}: {self.mode}"

    def is_active(self) -> bool:
        if self.mode == self.Mode.OK:
            return False
        return self.until is None or timezone.now() < self.until
