"""What the calendars kind keeps: the organisation's defaults, each user's narrowing of
them, the calendar each connection writes to, the link between a Patchbay record and
the event it became, and the busy time read back (times only, nothing else)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from calendars.choices import Detail, Frequency, Scope, Target
from integrations.models import Connection
from integrations.vault import EncryptedTextField
from tenancy.models import TenantModel

CALENDAR_PLATFORMS = ("google-calendar", "outlook", "icloud")


def all_platforms() -> list[str]:
    return list(CALENDAR_PLATFORMS)


class CalendarPolicy(TenantModel):
    """The organisation's defaults, set by owners and integration managers."""

    platforms = models.JSONField(default=all_platforms, help_text="Slugs crew may connect")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.BOTH)
    detail = models.CharField(max_length=8, choices=Detail.choices, default=Detail.NAME)
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.REALTIME
    )
    target = models.CharField(max_length=8, choices=Target.choices, default=Target.PATCHBAY)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="one_calendar_policy")]

    def __str__(self) -> str:
        return f"Calendar defaults of organisation {self.organisation_id}"


class CalendarPreference(TenantModel):
    """One user's narrowing of the defaults; blank means "as the organisation says"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_preferences"
    )
    scope = models.CharField(max_length=12, choices=Scope.choices, blank=True)
    detail = models.CharField(max_length=8, choices=Detail.choices, blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_calendar_preference_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar preference of user {self.user_id}"


class AccountCheck(TenantModel):
    """A user's attempt to connect an account by password (iCloud): a worker checks it by
    CalDAV discovery, so the page never waits on the provider, and keeps the calendars
    it found for the user to choose from. The password moves to the connection's
    credential once it works, and is wiped from here either way."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CONNECTED = "connected", "Connected"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    username = models.CharField(max_length=254)
    password = EncryptedTextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    message = models.TextField(blank=True)
    calendars = models.JSONField(default=list, blank=True)  # [{"remote_id", "name"}]
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.provider} check {self.pk} ({self.status})"


class CalendarTarget(TenantModel):
    """The calendar a connection writes Patchbay's events to."""

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="calendar_target"
    )
    remote_id = models.CharField(max_length=500, help_text="Calendar id, or CalDAV href")
    name = models.CharField(max_length=255)
    made_by_patchbay = models.BooleanField(default=False)
    chosen_at = models.DateTimeField(default=timezone.now)
    # The last pass that compared the calendar with Patchbay's links (daily): what the
    # user deleted there is put back.
    reconciled_at = models.DateTimeField(null=True, blank=True)
    # Asked on the Disconnect form: remove the events Patchbay put here when leaving.
    remove_events_on_leave = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class EventLink(TenantModel):
    """A Patchbay record (an assignment, or a project's dates) and the event it became in
    one connection's calendar. The key is derived, so a retried create finds its event
    instead of making a second one."""

    class Source(models.TextChoices):
        ASSIGNMENT = "assignment", "Crew assignment"
        PROJECT = "project", "Project dates"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be written"
        ACTIVE = "active", "In the calendar"
        DELETING = "deleting", "Being removed"
        ERROR = "error", "Failed"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="events_out")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    # Bumped when an event must be made afresh (the user deleted it): a new key.
    generation = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=64)
    remote_id = models.CharField(max_length=500, blank=True, help_text="Event id, or href")
    version = models.CharField(max_length=200, blank=True, help_text="etag or changeKey")
    fingerprint = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    last_error = models.TextField(blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "source", "source_id"], name="one_event_per_record"
            )
        ]
        indexes = [models.Index(fields=["connection", "remote_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id} -> {self.remote_id or '(not yet written)'}"


class BusyBlock(TenantModel):
    """Time a user marked busy in their own calendar: when, and nothing else. Their
    events' titles, people and descriptions are never stored."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="busy")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busy_blocks"
    )
    # A digest of the provider's event (occurrence) id: enough to update or remove the
    # block when the provider reports a change, without keeping the id itself.
    remote_key = models.CharField(max_length=64)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    tentative = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_key"], name="one_block_per_event"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="block_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "user", "starts_at"])]

    def __str__(self) -> str:
        return f"busy {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


class ReadCursor(TenantModel):
    """Where the incremental read of a connection's calendar stands, and the push
    channel (Google) or subscription (Graph) that says when to read again."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="cursor")
    cursor = models.TextField(blank=True, help_text="syncToken or deltaLink; blank: read all")
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    channel_id = models.CharField(max_length=200, blank=True, db_index=True)
    channel_resource = models.CharField(max_length=500, blank=True)
    channel_secret = EncryptedTextField(blank=True)
    channel_expires_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"read cursor of connection {self.connection_id}"
