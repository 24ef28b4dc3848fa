"""Connections to providers, the OAuth grants behind them, and their audit trail.

Tokens belong to the grant (one consent by one provider user), not to the
connection: one Xero consent can cover several organisations.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from integrations.vault import EncryptedTextField
from tenancy.models import TenantModel


class OAuthGrant(TenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INVALID = "invalid", "Needs reconnect"
        REVOKED = "revoked", "Revoked"

    provider = models.CharField(max_length=40)
    subject = models.CharField(
        max_length=200, help_text="The provider's id for the user who consented"
    )
    scope = models.TextField(blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Bumped by every refresh")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The Patchbay user whose own account this is (a crew member's calendar); null: the
    # organisation's. PROTECT: a user's grants are revoked (Disconnect) before they go.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "provider", "subject"],
                condition=models.Q(owner__isnull=True),
                name="one_grant_per_provider_user",
            ),
            models.UniqueConstraint(
                fields=["organisation", "owner", "provider", "subject"],
                condition=models.Q(owner__isnull=False),
                name="one_grant_per_provider_user_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} grant {self.pk}"

    def access_valid_for(self, margin: timedelta) -> bool:
        if not self.access_token or self.access_expires_at is None:
            return False
        return self.access_expires_at - timezone.now() > margin

    def clear_tokens(self) -> None:
        self.access_token = self.refresh_token = ""
        self.access_expires_at = None


class AppPassword(TenantModel):
    """A user's name and app-specific password at a provider without OAuth (iCloud's
    CalDAV), encrypted like tokens. Disconnect forgets it (the row is deleted)."""

    provider = models.CharField(max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=254, help_text="e.g. the Apple ID")
    password = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.provider} password of user {self.owner_id}"


class Connection(TenantModel):
    class State(models.TextChoices):
        CONNECTED = "connected", "Connected"
        DEGRADED = "degraded", "Degraded"
        ERROR = "error", "Error"
        DISCONNECTED = "disconnected", "Disconnected"

    ACTIVE_STATES = (State.CONNECTED, State.DEGRADED, State.ERROR)

    provider = models.CharField(max_length=40)
    remote_id = models.CharField(max_length=100, help_text="The provider's organisation id")
    remote_name = models.CharField(max_length=255)
    # Xero's id for the app-to-organisation link, needed to delete it.
    remote_connection_id = models.CharField(max_length=100, blank=True)
    grant = models.ForeignKey(
        OAuthGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="connections"
    )
    # The credential of a provider without OAuth (iCloud), instead of a grant.
    app_password = models.OneToOneField(
        AppPassword, on_delete=models.SET_NULL, null=True, blank=True, related_name="connection"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.CONNECTED)
    reason = models.TextField(blank=True, help_text="Why it is degraded or in error")
    failure_count = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    last_sync_at = models.DateTimeField(null=True, blank=True, help_text="Last successful sync")
    # When it syncs next is its SyncSchedule's (below), not a column here.
    # When a run last read the provider (the start of the last run that did): a provider
    # that notifies of changes may skip a scheduled read up to SYNC_NOTIFIED_POLL_BOUND.
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The legal entity whose records this connection syncs (its own books); null: all of
    # the organisation's records (an organisation without separate entities).
    legal_entity = models.ForeignKey(
        "operations.LegalEntity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connections",
    )
    # The user who owns a per-user connection (their own calendar); null: the
    # organisation's (its accounting platform). Nobody else sees an owned connection's
    # content or credentials.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_connections",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "provider", "remote_id"],
                condition=models.Q(owner__isnull=True),
                name="one_connection_per_remote_org",
            ),
            models.UniqueConstraint(
                fields=["organisation", "owner", "provider", "remote_id"],
                condition=models.Q(owner__isnull=False),
                name="one_connection_per_remote_account_per_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "retry_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.remote_name}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class SyncSchedule(models.Model):
    """When a connection syncs next, and whether it syncs at all, kept apart from the
    wide connection row: the beat tick rewrites a thousand of these a tick, and a new
    version of a narrow row with two indexes costs a fraction of one of the connection
    (eleven indexes, and no HOT update while the claimed column is indexed).

    Not a tenant model: it has no organisation of its own and no view reads it but
    through its connection (integrations.schedule keeps it). One row a connection, made
    when the connection is."""

    connection = models.OneToOneField(
        Connection, primary_key=True, on_delete=models.CASCADE, related_name="schedule"
    )
    # NULL: never synced, due before any other.
    next_sync_at = models.DateTimeField(null=True, blank=True)
    # The connection is in a state a sync runs in and its provider syncs: the tick's
    # whole condition, so its index holds only the rows a tick may take.
    syncable = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The tick's: syncable connections in next_sync_at order, a range scan that
            # stops at the tick's LIMIT however many connections there are.
            models.Index(
                fields=["next_sync_at"],
                condition=models.Q(syncable=True),
                name="schedule_due_sync",
            ),
        ]

    def __str__(self) -> str:
        return f"schedule of connection {self.connection_id}"


class ConnectionEvent(TenantModel):
    """Append-only audit of a connection's life: who did what, when."""

    class Kind(models.TextChoices):
        CONNECTED = "connected", "Connected"
        RECONNECTED = "reconnected", "Reconnected"
        REFRESHED = "refreshed", "Token refreshed"
        REFRESH_FAILED = "refresh_failed", "Token refresh failed"
        DEGRADED = "degraded", "Degraded"
        RECOVERED = "recovered", "Recovered"
        ERROR = "error", "Error"
        DISCONNECTED = "disconnected", "Disconnected"
        REVOKE_FAILED = "revoke_failed", "Revocation at the provider failed"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class OAuthState(TenantModel):
    """One authorisation attempt: single-use, bound to session, user and organisation."""

    provider = models.CharField(max_length=40)
    state_hash = models.CharField(max_length=64, unique=True)
    session_hash = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_verifier = EncryptedTextField(blank=True)
    # OpenID Connect nonce: the ID token must carry it (providers without PKCE).
    nonce = models.CharField(max_length=64, blank=True)
    redirect_uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set once the code is exchanged when the consent covered several organisations.
    grant = models.ForeignKey(OAuthGrant, on_delete=models.CASCADE, null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Tokens issued to an attempt that failed or was abandoned are revoked at the provider
    # (best effort): when, and what came of it.
    discarded_at = models.DateTimeField(null=True, blank=True)
    discard_outcome = models.TextField(blank=True)
    # The legal entity the connection being made is for (organisations with entities).
    legal_entity = models.ForeignKey(
        "operations.LegalEntity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.provider} authorisation by {self.user_id}"


class ProviderApp(TenantModel):
    """An organisation's own app registration at a provider, used instead of Patchbay's,
    and which of the provider's environments it talks to (e.g. Intuit's sandbox)."""

    class Environment(models.TextChoices):
        PRODUCTION = "production", "Production"
        SANDBOX = "sandbox", "Sandbox (for testing)"

    provider = models.CharField(max_length=40)
    client_id = EncryptedTextField(blank=True)
    client_secret = EncryptedTextField(blank=True)
    environment = models.CharField(
        max_length=12, choices=Environment.choices, default=Environment.PRODUCTION
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "provider"], name="one_provider_app_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} app of organisation {self.organisation_id}"

    @property
    def uses_own_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)


class SyncRun(TenantModel):
    """One sync of one connection, whatever its kind: at most one runs at a time."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Finished with errors"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted"
        REFUSED = "refused", "Refused"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Sync Now"
        WEBHOOK = "webhook", "Provider notification"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    phase = models.CharField(max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A run holds the connection while its lease is fresh; a crashed worker's lapses.
    lease_expires_at = models.DateTimeField()

    class Meta:
        db_table = "accounting_syncrun"  # created by accounting before sync runs were generic
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connection", "status"])]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def progress_label(self) -> str:
        """What the run is doing, counting only what it knows: "writing events 12/40",
        "customers from the ledger: 18 so far" (a read does not know its total), or
        "starting"."""
        phase = self.phase or "starting"
        if self.total:
            return f"{phase} {self.done}/{self.total}"
        if self.done:
            return f"{phase}: {self.done} so far"
        return phase


class AuditEntry(TenantModel):
    """One external call of a connection, during a sync run or not. Append-only; paged by
    keyset on id.

    On PostgreSQL the table is partitioned by month on `created_at` (migration 0011,
    integrations/partitions.py): its primary key is (id, created_at), while Django keeps
    `id` as the model's pk (ids come from one sequence, so `id` alone still names a row).
    Nothing may point a ForeignKey here: see docs/partitioned-history.md."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        SKIPPED = "skipped", "Skipped"
        CONFLICT = "conflict", "Conflict"
        ERROR = "error", "Error"
        READ = "read", "Read"
        # A batch the provider took in part: some records written, some refused.
        PARTIAL = "partial", "Partly done"

        @classmethod
        def of_batch(cls, done: str, oks: list[bool]) -> str:
            """A batch's outcome: `done` if every record went, an error if none did."""
            if all(oks):
                return done
            return cls.PARTIAL if any(oks) else cls.ERROR

    @property
    def tally(self) -> str:
        """For a batch taken in part: how many of its records went ("6 of 7")."""
        if self.outcome != self.Outcome.PARTIAL:
            return ""
        written = sum(1 for remote_id in self.remote_ids if remote_id)
        return f"{written} of {len(self.local_ids)}"

    id = models.BigAutoField(primary_key=True)
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, related_name="+")
    direction = models.CharField(max_length=4)  # push | pull
    # What the call was about, in the kind's own words (accounting: customer, invoice...).
    entity = models.CharField(max_length=20)
    local_ids = models.JSONField(default=list)
    remote_ids = models.JSONField(default=list)
    method = models.CharField(max_length=16)  # CalDAV has MKCALENDAR
    url = models.TextField()
    request_body = models.TextField(blank=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.TextField(blank=True)
    version = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounting_auditentry"  # created by accounting before the audit was generic
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["run", "-id"]),
            models.Index(fields=["organisation", "entity", "outcome", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.entity} {self.outcome}"
