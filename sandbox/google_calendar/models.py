"""What the Google Calendar sandbox keeps: Google accounts, the app's grants and tokens,
calendars, events, push channels, calls and faults. None of it is Patchbay data.

Codes and tokens are kept only as SHA-256 hashes plus their last four characters.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sandbox.core import models as core


class GoogleUser(core.SandboxUser):
    """A Google account (its primary calendar's id is its email address)."""


class GoogleGrant(core.Grant):
    """One account's consent to one app: the scopes granted so far (incremental consent
    adds to them) and whether a refresh token was ever handed out (Google hands one out
    on the first consent only, or again with prompt=consent)."""

    user = models.ForeignKey(GoogleUser, on_delete=models.CASCADE, related_name="grants")
    scope = models.TextField(blank=True)
    refresh_issued = models.BooleanField(default=False)

    class Meta(core.Grant.Meta):
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="sandbox_gcal_grant_per_app")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} / {self.client_id}"


class GoogleAuthorizationCode(core.AuthorizationCode):
    grant = models.ForeignKey(GoogleGrant, on_delete=models.CASCADE, related_name="codes")
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    with_refresh = models.BooleanField(default=False)


class GoogleToken(core.Token):
    grant = models.ForeignKey(GoogleGrant, on_delete=models.CASCADE, related_name="tokens")


class GoogleRefreshPresentation(core.RefreshPresentation):
    class Outcome(models.TextChoices):
        REFRESHED = "refreshed", "Refreshed"
        INVALID_GRANT = "invalid_grant", "invalid_grant"
        INVALID_CLIENT = "invalid_client", "invalid_client"

    token = models.ForeignKey(
        GoogleToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class GoogleApiCall(core.ApiCall):
    token = models.ForeignKey(
        GoogleToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    user_email = models.CharField(max_length=254, blank=True)

    class Meta(core.ApiCall.Meta):
        indexes = [models.Index(fields=["user_email", "at"], name="sandbox_gcal_call_user")]


class GoogleFault(core.Fault):
    class Target(models.TextChoices):
        TOKEN = "token", "Token endpoint"
        API = "api", "Calendar API"

    class Mode(models.TextChoices):
        OK = "ok", "Working normally"
        OUTAGE = "outage", "Outage (503 from the gateway)"
        ERROR_500 = "error_500", "Server error (500 backendError)"
        SLOW = "slow", "Slow (delay before answering)"
        THROTTLED = "throttled", "Throttled (every call 429 rateLimitExceeded)"
        COMMIT_THEN_FAIL = "commit_then_fail", "Writes applied, then the answer is lost"
        FLAKY = "flaky", "Flaky (a share of calls fail)"

    target = models.CharField(max_length=10, choices=Target.choices, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OK)


class GoogleCalendar(models.Model):
    """A calendar of one account. `changes` counts its event writes: sync tokens say
    which count they were given at; `token_epoch` is bumped to expire every sync token
    handed out (the next incremental read gets 410 fullSyncRequired)."""

    user = models.ForeignKey(GoogleUser, on_delete=models.CASCADE, related_name="calendars")
    calendar_id = models.CharField(max_length=255, unique=True)
    etag = models.CharField(max_length=64)
    summary = models.CharField(max_length=255)
    time_zone = models.CharField(max_length=64, default="UTC")
    primary = models.BooleanField(default=False)
    created_by_client = models.CharField(max_length=200, blank=True)
    changes = models.PositiveBigIntegerField(default=0)
    token_epoch = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-primary", "summary", "pk"]

    def __str__(self) -> str:
        return self.summary


class GoogleEvent(models.Model):
    """One event; `body` holds its fields as the API shows them (summary, start, end,
    transparency, extendedProperties ...). A deleted event stays as a cancelled husk."""

    calendar = models.ForeignKey(GoogleCalendar, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=1024)
    etag = models.CharField(max_length=64)
    status = models.CharField(max_length=10, default="confirmed")
    body = models.JSONField(default=dict)
    change = models.PositiveBigIntegerField(default=0, help_text="The calendar's count at write")
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["change", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "event_id"], name="sandbox_gcal_event_id")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.status})"


class GoogleChannel(models.Model):
    """A push channel (events.watch) and the messages sent on it."""

    channel_id = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    calendar = models.ForeignKey(GoogleCalendar, on_delete=models.CASCADE, related_name="channels")
    client_id = models.CharField(max_length=200)
    address = models.URLField(max_length=1000)
    token = models.CharField(max_length=256, blank=True)
    expiration = models.DateTimeField()
    message_number = models.PositiveBigIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel_id"], name="sandbox_gcal_channel_id")
        ]

    def __str__(self) -> str:
        return f"channel {self.channel_id}"


class GoogleDelivery(models.Model):
    """One notification POSTed to a channel's address, and how the receiver answered."""

    channel = models.ForeignKey(GoogleChannel, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=12)
    message_number = models.PositiveBigIntegerField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    dropped = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.state} #{self.message_number} -> {self.status}"
