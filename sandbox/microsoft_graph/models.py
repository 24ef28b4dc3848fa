"""The provider side of the Microsoft Graph sandbox: accounts, consents, tokens, the
mailbox's calendars and events, change-notification subscriptions and faults.

None of it is Patchbay data. Codes and tokens are kept only as hashes.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from sandbox.core import models as core


def graph_id() -> str:
    """Graph ids are long opaque base64 strings; these look alike (url-safe, no '/').
    No '_' either: an occurrence's id is its series' id, '_' and its index."""
    return "AAMk" + secrets.token_urlsafe(48).replace("_", "-")


def change_key() -> str:
    return secrets.token_urlsafe(12)


class GraphUser(core.SandboxUser):
    """A Microsoft account: work or school (Entra ID tenant) or personal (outlook.com)."""

    oid = models.CharField(max_length=36, unique=True)
    tenant_id = models.CharField(max_length=36)
    personal = models.BooleanField(default=False)
    # Bumped by "revoke all sessions" or a password change: older tokens stop working.
    sessions_epoch = models.PositiveIntegerField(default=0)
    # Bumped by the console's "expire delta tokens": older deltaLinks answer 410.
    delta_epoch = models.PositiveIntegerField(default=0)


class GraphGrant(core.Grant):
    """One account's consent to one app (its refresh tokens hang off it)."""

    user = models.ForeignKey(GraphUser, on_delete=models.CASCADE, related_name="grants")

    class Meta(core.Grant.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"], name="sandbox_graph_grant_per_app"
            )
        ]


class GraphAuthorizationCode(core.AuthorizationCode):
    grant = models.ForeignKey(GraphGrant, on_delete=models.CASCADE, related_name="codes")
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    nonce = models.CharField(max_length=200, blank=True)


class GraphToken(core.Token):
    grant = models.ForeignKey(GraphGrant, on_delete=models.CASCADE, related_name="tokens")
    sessions_epoch = models.PositiveIntegerField(default=0)


class GraphRefreshPresentation(core.RefreshPresentation):
    class Outcome(models.TextChoices):
        ROTATED = "rotated", "Rotated (a new refresh token; the old one still works)"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token = models.ForeignKey(
        GraphToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class GraphApiCall(core.ApiCall):
    """One call to Graph (what the per-mailbox limit counts)."""

    token = models.ForeignKey(
        GraphToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    mailbox = models.CharField(max_length=36, blank=True, help_text="The user's oid")

    class Meta(core.ApiCall.Meta):
        indexes = [models.Index(fields=["mailbox", "at"], name="sandbox_graph_call_mailbox")]


class GraphFault(core.Fault):
    class Target(models.TextChoices):
        TOKEN = "token", "Token endpoint"
        API = "api", "Graph API"

    class Mode(models.TextChoices):
        OK = "ok", "Working normally"
        OUTAGE = "outage", "Outage (503)"
        ERROR_500 = "error_500", "Server error (500)"
        SLOW = "slow", "Slow (delay before answering)"
        THROTTLED = "throttled", "Throttled (every call 429)"
        COMMIT_THEN_FAIL = "commit_then_fail", "Writes applied, then the answer is lost"
        FLAKY = "flaky", "Flaky (a share of calls fail)"

    target = models.CharField(max_length=10, choices=Target.choices, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OK)


class GraphCalendar(models.Model):
    user = models.ForeignKey(GraphUser, on_delete=models.CASCADE, related_name="calendars")
    graph_id = models.CharField(max_length=100, unique=True, default=graph_id)
    name = models.CharField(max_length=255)
    is_default = models.BooleanField(default=False)
    can_edit = models.BooleanField(default=True)
    change_key = models.CharField(max_length=40, default=change_key)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class GraphEvent(models.Model):
    """An event (or, for a series, its master; occurrences are expanded on read).
    A deleted event stays as a tombstone so delta can report `@removed`."""

    calendar = models.ForeignKey(GraphCalendar, on_delete=models.CASCADE, related_name="events")
    graph_id = models.CharField(max_length=100, unique=True, default=graph_id)
    change_key = models.CharField(max_length=40, default=change_key)
    transaction_id = models.CharField(max_length=200, blank=True, db_index=True)
    # The event resource's own fields as the client sent them (subject, body, start...).
    fields = models.JSONField(default=dict)
    # {"String {guid} Name X": "value"}: single-value extended properties.
    extended = models.JSONField(default=dict)
    # Daily recurrence: this many occurrences (0: a single instance).
    daily_occurrences = models.PositiveSmallIntegerField(default=0)
    # Occurrence indexes (0-based) cancelled within the series.
    cancelled_occurrences = models.JSONField(default=list)
    # Global change sequence (delta watermark), bumped on every write and on delete.
    seq = models.BigIntegerField(default=0, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.fields.get("subject", self.graph_id))


class GraphSubscription(models.Model):
    user = models.ForeignKey(GraphUser, on_delete=models.CASCADE, related_name="subscriptions")
    client_id = models.CharField(max_length=200)
    sub_id = models.CharField(max_length=36, unique=True)
    resource = models.CharField(max_length=300)
    change_type = models.CharField(max_length=100)
    notification_url = models.URLField(max_length=1000)
    lifecycle_url = models.URLField(max_length=1000, blank=True)
    client_state = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.resource} -> {self.notification_url}"


class GraphDelivery(models.Model):
    """One POST the sandbox made to a notification URL, and how it was answered."""

    subscription_id = models.CharField(max_length=36)
    url = models.URLField(max_length=1000)
    kind = models.CharField(max_length=20, help_text="change, lifecycle or validation")
    body = models.JSONField(default=dict)
    status = models.IntegerField(default=0, help_text="0: no answer")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.url} ({self.status})"


class GraphSequence(models.Model):
    """The one row whose counter orders every change (delta tokens are watermarks)."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"change {self.value}"
