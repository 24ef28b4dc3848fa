"""What Intuit keeps on its own servers, as far as the sandbox needs it.

Users and companies (realms), the app's connections to companies, codes and tokens (as
SHA-256 hashes plus their last four characters), each company's entities as JSON
documents, and what the sandbox saw: API calls, refresh presentations, webhook and
Disconnect URL deliveries. None of it is Patchbay data.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from sandbox.core import models as core


class QboCompany(models.Model):
    """A QuickBooks Online company, known to apps by its realmId."""

    realm_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    legal_name = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="US or GB, ...")
    home_currency = models.CharField(max_length=3, default="USD")
    multicurrency = models.BooleanField(default=False)
    duplicate_doc_number_check = models.BooleanField(
        default=False, help_text="Refuse a second transaction with the same DocNumber (6140)"
    )
    sales_tax_percent = models.DecimalField(
        max_digits=6, decimal_places=3, default=0, help_text="US automated sales tax rate"
    )
    sequences = models.JSONField(default=dict, help_text="Next Id and DocNumber per entity")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_us(self) -> bool:
        return self.country == "US"


class QboUser(core.SandboxUser):
    sub = models.CharField(max_length=64, unique=True, help_text="OpenID subject")
    companies = models.ManyToManyField(QboCompany, related_name="users", blank=True)


class QboConnection(core.Grant):
    """An app connected to one company: one token set covers exactly one realm."""

    company = models.ForeignKey(QboCompany, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(QboUser, on_delete=models.CASCADE, related_name="connections")
    hard_expires_at = models.DateTimeField(help_text="The five-year cap on its refresh tokens")

    class Meta(core.Grant.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["company", "client_id"], name="sandbox_qbo_connection_per_app"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company.name} / {self.client_id}"


class QboAuthorizationCode(core.AuthorizationCode):
    connection = models.ForeignKey(QboConnection, on_delete=models.CASCADE, related_name="codes")
    nonce = models.CharField(max_length=255, blank=True)

    @property
    def grant(self) -> QboConnection:
        return self.connection


class QboToken(core.Token):
    """`superseded_at` marks a refresh token whose value was replaced by a newer one; it
    keeps working for the overlap period."""

    connection = models.ForeignKey(QboConnection, on_delete=models.CASCADE, related_name="tokens")
    superseded_at = models.DateTimeField(null=True, blank=True)

    @property
    def grant(self) -> QboConnection:
        return self.connection


class QboRefreshPresentation(core.RefreshPresentation):
    class Outcome(models.TextChoices):
        KEPT = "kept", "Same value returned, expiry extended"
        ROTATED = "rotated", "New value issued"
        OVERLAP = "overlap", "Replaced value used within the overlap"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token = models.ForeignKey(
        QboToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class QboEntity(models.Model):
    """One entity of a company (Customer, Invoice, ...) as its JSON document.

    `data` holds the entity's fields without Id, SyncToken and MetaData, which are columns.
    Deleted transactions stay as rows with `deleted_at`, so CDC can report them.
    """

    company = models.ForeignKey(QboCompany, on_delete=models.CASCADE, related_name="entities")
    entity = models.CharField(max_length=40)
    # Ids are numeric strings, except US tax codes ("TAX", "NON"); ordering uses `seq`.
    entity_id = models.CharField(max_length=20)
    seq = models.PositiveBigIntegerField(default=0, help_text="Numeric Id, for ordering")
    sync_token = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["seq", "entity_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "entity", "entity_id"], name="sandbox_qbo_entity_id"
            )
        ]
        indexes = [
            models.Index(fields=["company", "entity", "updated_at"], name="sandbox_qbo_entity_upd")
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id}"

    def field(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)


class QboApiCall(core.ApiCall):
    """One call to the accounting API (also feeds the rate limits)."""

    token = models.ForeignKey(
        QboToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    realm_id = models.CharField(max_length=32, blank=True)
    operation = models.CharField(max_length=20, help_text="read, write, query, cdc or batch")
    intuit_tid = models.CharField(max_length=64)

    class Meta(core.ApiCall.Meta):
        indexes = [
            models.Index(fields=["realm_id", "at"], name="sandbox_qbo_call_realm"),
            models.Index(fields=["client_id", "at"], name="sandbox_qbo_call_app"),
        ]


class QboRequestId(models.Model):
    """The answer given to a write sent with ?requestid=, replayed for the same id."""

    company = models.ForeignKey(QboCompany, on_delete=models.CASCADE, related_name="request_ids")
    client_id = models.CharField(max_length=200)
    request_id = models.CharField(max_length=50)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "client_id", "request_id"], name="sandbox_qbo_request_id"
            )
        ]

    def __str__(self) -> str:
        return self.request_id


class QboFault(core.Fault):
    class Target(models.TextChoices):
        TOKEN = "token", "Token endpoint"
        API = "api", "Accounting API"

    class Mode(models.TextChoices):
        OK = "ok", "Working normally"
        OUTAGE = "outage", "Outage (503 from the gateway)"
        ERROR_500 = "error_500", "Server error (500)"
        THROTTLED = "throttled", "Throttled (429 ThrottleExceeded)"
        SLOW = "slow", "Slow (delay before answering)"
        COMMIT_THEN_FAIL = "commit_then_fail", "Writes applied, then the answer is lost"
        FLAKY = "flaky", "Flaky (a share of calls fail)"

    target = models.CharField(max_length=10, choices=Target.choices, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OK)


class QboDelivery(models.Model):
    """A webhook notification or Disconnect URL call the sandbox made (or will make)."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", "Webhook notification"
        DISCONNECT = "disconnect", "Disconnect URL"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    realm_id = models.CharField(max_length=32)
    url = models.TextField()
    body = models.TextField(blank=True)
    signature = models.CharField(max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.realm_id} {self.status_code}"

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class QboSigningKey(core.SigningKey):
    """Intuit's https://oauth.platform.intuit.com/op/v1/jwks lists more than one key."""
