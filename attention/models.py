"""Notices (one per open problem), the mails sent about them, and each member's choice of
how to be told per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from attention.kinds import Choice, Kind
from tenancy.models import TenantModel


class Notice(TenantModel):
    """One problem that needs a person, open until the scan finds it gone."""

    kind = models.CharField(max_length=24, choices=Kind.choices)
    # What the problem is about, e.g. the connection's or endpoint's id: with the kind it
    # names the problem, so a problem seen again while open is the same notice.
    subject_key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    detail = models.TextField(help_text="What happened and what to do")
    link = models.CharField(max_length=500, help_text="Where to act (a path)")
    # Who it is for: members with ``capability``, or ``user`` alone.
    capability = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    recovery = models.TextField(blank=True, help_text="What the recovery was")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "subject_key"],
                condition=Q(closed_at__isnull=True),
                name="one_open_notice_per_problem",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "kind"],
                condition=Q(closed_at__isnull=True),
                name="notice_open",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NoticeMail(TenantModel):
    """A mail about a notice to one user: the unique row is what makes it sent once."""

    class Phase(models.TextChoices):
        OPENED = "opened", "Problem"
        RECOVERED = "recovered", "Recovered"
        DIGEST = "digest", "In a digest"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="mails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user", "phase"], name="one_mail_per_notice_user_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase} mail of notice {self.notice_id} to user {self.user_id}"


class NotificationPreference(TenantModel):
    """A member's choice for one kind in one organisation; no row means immediately."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    choice = models.CharField(max_length=12, choices=Choice.choices)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "kind"], name="one_preference_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.choice}"


class WeeklyDigestChoice(TenantModel):
    """Whether a member who can resolve reviews gets the weekly bookkeeping summary
    (no row: they do)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    wanted = models.BooleanField(default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_weekly_choice")
        ]

    def __str__(self) -> str:
        return f"weekly digest for {self.user_id}: {self.wanted}"
