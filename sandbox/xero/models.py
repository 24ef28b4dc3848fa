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

from sandbox.core import models as core


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


class XeroUser(core.SandboxUser):
    xero_userid = models.UUIDField(unique=True, default=uuid.uuid4)
    organisations = models.ManyToManyField(XeroOrganisation, related_name="users", blank=True)


class XeroGrant(core.Grant):
    """One user's authorisation of one app.

    Xero issues tokens per user per app, not per organisation: one token set
    covers every organisation the user connected.
    https://github.com/XeroAPI/Xero-OpenAPI/issues/585
    """

    user = models.ForeignKey(XeroUser, on_delete=models.CASCADE, related_name="grants")

    class Meta(core.Grant.Meta):
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


class XeroAuthorizationCode(core.AuthorizationCode):
    grant = models.ForeignKey(XeroGrant, on_delete=models.CASCADE, related_name="codes")
    code_challenge = models.CharField(max_length=128, blank=True)
    nonce = models.CharField(max_length=255, blank=True)
    auth_event_id = models.UUIDField()


class XeroToken(core.Token):
    """`code` is the exchange that started the token family: a replayed code revokes
    every token descended from it."""

    grant = models.ForeignKey(XeroGrant, on_delete=models.CASCADE, related_name="tokens")
    code = models.ForeignKey(XeroAuthorizationCode, on_delete=models.CASCADE, related_name="tokens")
    auth_event_id = models.UUIDField()
    public_client = models.BooleanField(
        default=False, help_text="Issued to a PKCE client that sent no secret"
    )
    rotated_at = models.DateTimeField(null=True, blank=True)


class XeroRefreshPresentation(core.RefreshPresentation):
    class Outcome(models.TextChoices):
        ROTATED = "rotated", "Rotated"
        GRACE = "grace", "Replayed within the grace period"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token = models.ForeignKey(
        XeroToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class XeroApiCall(core.ApiCall):
    """One call to the connections or accounting endpoints (also feeds the rate limits)."""

    token = models.ForeignKey(
        XeroToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    tenant_id = models.UUIDField(null=True, blank=True)

    class Meta(core.ApiCall.Meta):
        indexes = [
            models.Index(fields=["tenant_id", "at"], name="sandbox_xero_call_tenant"),
            models.Index(fields=["client_id", "at"], name="sandbox_xero_call_app"),
        ]


class XeroFault(core.Fault):
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
