"""The provider side of the Sage sandbox: users, businesses, grants, codes and tokens.

None of it is Patchbay data. Codes and tokens are kept only as SHA-256 hashes plus
their last four characters.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


def new_guid() -> str:
    """Sage's ids: 32 lower-case hexadecimal characters, no hyphens."""
    return uuid.uuid4().hex


class SageBusiness(models.Model):
    """A Sage Accounting business (a company's books, in one country)."""

    guid = models.CharField(max_length=32, unique=True, default=new_guid)
    name = models.CharField(max_length=255)
    country = models.CharField(max_length=2, default="GB", help_text="GB, IE, ...")
    currency = models.CharField(max_length=3, default="GBP")
    is_demo = models.BooleanField(default=False)
    subscription_active = models.BooleanField(
        default=True, help_text="Off: every API call for the business gets 401 (MSE)"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SageUser(models.Model):
    """Someone who signs in to Sage; no password, it is a sandbox."""

    guid = models.CharField(max_length=32, unique=True, default=new_guid)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, default="GB", help_text="The region the user signs in to"
    )
    businesses = models.ManyToManyField(SageBusiness, related_name="users", blank=True)
    lead_business = models.ForeignKey(
        SageBusiness, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class SageGrant(models.Model):
    """One user's consent to one app: its tokens reach every business of the user."""

    user = models.ForeignKey(SageUser, on_delete=models.CASCADE, related_name="grants")
    client_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="sandbox_sage_grant_per_app")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} / {self.client_id}"


class SageAuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(SageGrant, on_delete=models.CASCADE, related_name="codes")
    redirect_uri = models.TextField()
    scope = models.CharField(max_length=20)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.grant}"


class SageToken(models.Model):
    """An access or refresh token, known by its hash. `parent` is the refresh token
    presented to obtain this one."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    grant = models.ForeignKey(SageGrant, on_delete=models.CASCADE, related_name="tokens")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    scope = models.CharField(max_length=20)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} …{self.last4}"


class SageRefreshPresentation(models.Model):
    """Every refresh token presented to the token endpoint, and what came of it."""

    class Outcome(models.TextChoices):
        ROTATED = "rotated", "Rotated"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token_hash = models.CharField(max_length=64, db_index=True)
    last4 = models.CharField(max_length=4)
    token = models.ForeignKey(
        SageToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    client_id = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"…{self.last4} {self.outcome}"


class SageApiCall(models.Model):
    """One call to the accounting API (also what the rate limit counts)."""

    token = models.ForeignKey(
        SageToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    client_id = models.CharField(max_length=200, blank=True)
    business = models.CharField(max_length=32, blank=True, help_text="Business id, if one")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["business", "at"], name="sandbox_sage_call_business")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class SageFault(models.Model):
    """A fault injected into one part of the sandbox, until cleared or `until` passes."""

    class Target(models.TextChoices):
        TOKEN = "token", "Token endpoint"
        API = "api", "Accounting API"

    class Mode(models.TextChoices):
        OK = "ok", "Working normally"
        OUTAGE = "outage", "Outage (503 from the gateway)"
        ERROR_500 = "error_500", "Server error (500)"
        SLOW = "slow", "Slow (delay before answering)"
        THROTTLED = "throttled", "Throttled (every call 429)"
        COMMIT_THEN_FAIL = "commit_then_fail", "Writes applied, then the answer is lost"
        FLAKY = "flaky", "Flaky (a share of calls fail)"

    target = models.CharField(max_length=10, choices=Target.choices, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OK)
    delay_seconds = models.FloatField(default=0)
    fail_ratio = models.FloatField(default=0, help_text="Flaky: the share of calls that fail")
    seed = models.BigIntegerField(null=True, blank=True, help_text="Flaky: repeatable failures")
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
