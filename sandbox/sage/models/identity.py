"""The provider side of the Sage sandbox: users, businesses, grants, codes and tokens.

None of it is Patchbay data. Codes and tokens are kept only as SHA-256 hashes plus
their last four characters.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from sandbox.core import models as core


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


class SageUser(core.SandboxUser):
    guid = models.CharField(max_length=32, unique=True, default=new_guid)
    country = models.CharField(
        max_length=2, default="GB", help_text="The region the user signs in to"
    )
    businesses = models.ManyToManyField(SageBusiness, related_name="users", blank=True)
    lead_business = models.ForeignKey(
        SageBusiness, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class SageGrant(core.Grant):
    """One user's consent to one app: its tokens reach every business of the user."""

    user = models.ForeignKey(SageUser, on_delete=models.CASCADE, related_name="grants")

    class Meta(core.Grant.Meta):
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="sandbox_sage_grant_per_app")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} / {self.client_id}"


class SageAuthorizationCode(core.AuthorizationCode):
    grant = models.ForeignKey(SageGrant, on_delete=models.CASCADE, related_name="codes")
    scope = models.CharField(max_length=20)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)


class SageToken(core.Token):
    grant = models.ForeignKey(SageGrant, on_delete=models.CASCADE, related_name="tokens")
    scope = models.CharField(max_length=20)
    rotated_at = models.DateTimeField(null=True, blank=True)


class SageRefreshPresentation(core.RefreshPresentation):
    class Outcome(models.TextChoices):
        ROTATED = "rotated", "Rotated"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token = models.ForeignKey(
        SageToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class SageApiCall(core.ApiCall):
    """One call to the accounting API (also what the rate limit counts)."""

    token = models.ForeignKey(
        SageToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    business = models.CharField(max_length=32, blank=True, help_text="Business id, if one")

    class Meta(core.ApiCall.Meta):
        indexes = [models.Index(fields=["business", "at"], name="sandbox_sage_call_business")]


class SageFault(core.Fault):
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
