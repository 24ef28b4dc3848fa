"""The rows every provider's authorisation server keeps, as abstract models: each
provider's app makes the concrete tables, adding what is its own (the relation to its
grant, its token outcomes, its fault targets).

Codes and tokens are kept only as SHA-256 hashes plus their last four characters.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SandboxUser(models.Model):
    """Someone who signs in to the provider; no password, it is a sandbox."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Grant(models.Model):
    """An app's standing authorisation, whatever the provider calls it (a user's grant,
    a company's connection): its codes and tokens hang off it, and revoking it ends them."""

    client_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class AuthorizationCode(models.Model):
    """A single-use code. A concrete model adds its `grant` and, with PKCE, code_challenge."""

    code_hash = models.CharField(max_length=64, unique=True)
    redirect_uri = models.TextField()
    scope = models.TextField(help_text="Space-separated, as granted")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"code for {getattr(self, 'grant', '')}"


class Token(models.Model):
    """An access or refresh token, known by its hash. `parent` is the refresh token that
    was presented to obtain this one."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    scope = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} …{self.last4}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


class RefreshPresentation(models.Model):
    """A refresh token presented to the token endpoint, and what came of it (a concrete
    model adds its `token` and its provider's `outcome` choices)."""

    token_hash = models.CharField(max_length=64, db_index=True)
    last4 = models.CharField(max_length=4)
    client_id = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"…{self.last4} {getattr(self, 'outcome', '')}"


class ApiCall(models.Model):
    """One call to the emulated API (also what the rate limits count)."""

    client_id = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class SigningKey(models.Model):
    """An RSA key an identity service signs ID tokens with (RS256), kept in the database
    so every process signs and publishes the same. Its JWKS lists every key not retired,
    so a rotation leaves the previous key verifiable."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"signing key {self.kid}"


class Fault(models.Model):
    """A fault injected into one part of a sandbox (`target`, one row each), until it is
    cleared or `until` passes (sandbox/core/faults.py). A concrete model adds `target` and
    `mode` with its own choices; the getattr calls below reach those."""

    delay_seconds = models.FloatField(default=0)
    fail_ratio = models.FloatField(default=0, help_text="Flaky: the share of calls that fail")
    seed = models.BigIntegerField(
        null=True, blank=True, help_text="Flaky: makes the failing calls repeatable"
    )
    calls = models.PositiveBigIntegerField(default=0, help_text="Flaky: calls seen so far")
    failed = models.PositiveBigIntegerField(default=0, help_text="Flaky: calls failed so far")
    until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, 'target', '')}: {getattr(self, 'mode', '')}"
