"""The two digests: the daily one for members who chose it for some kinds, and the
weekly bookkeeping summary (per accounting connection: what synced, what failed, what
waits for review) for members who can resolve reviews."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounting.models import Review
from attention import audience, mail
from attention.kinds import Choice
from attention.models import Notice, NotificationPreference, WeeklyDigestChoice
from integrations.models import Connection, SyncRun
from integrations.registry import Category, platform_name, registered
from tenancy.models import Membership
from tenancy.roles import Capability

# Notices closed longer ago than this are left out of a daily digest (each digest claims
# what it lists, so the margin only bounds the read).
DIGEST_LOOKBACK = timedelta(days=2)
WEEK = timedelta(days=7)
# A weekly summary is not sent again within this (a beat tick run twice, a restart).
WEEKLY_GAP = timedelta(days=6)
SYNCED = ("created", "updated", "linked")


def send_daily(now: datetime | None = None) -> int:
    """One mail per member with digest kinds and something new; returns mails sent."""
    now = now or timezone.now()
    wanted: dict[tuple[int, int], list[str]] = defaultdict(list)
    for org_id, user_id, kind in NotificationPreference.objects.filter(
        choice=Choice.DIGEST
    ).values_list("organisation_id", "user_id", "kind"):
        wanted[(org_id, user_id)].append(kind)
    sent = 0
    memberships = _memberships(list(wanted))
    for (org_id, user_id), kinds in wanted.items():
        membership = memberships.get((org_id, user_id))
        if membership is None:
            continue
        notices = list(
            audience.visible_to(Notice.objects.all(), membership)
            .filter(kind__in=kinds)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=now - DIGEST_LOOKBACK))
            .order_by("opened_at", "pk")
        )
        sent += bool(mail.digest(membership.user, membership.organisation.name, notices))
    return sent


def _memberships(keys: list[tuple[int, int]]) -> dict[tuple[int, int], Membership]:
    q = Q(pk__in=[])
    for org_id, user_id in keys:
        q |= Q(organisation_id=org_id, user_id=user_id)
    rows = Membership.objects.filter(q, user__is_active=True).select_related("user", "organisation")
    return {(m.organisation_id, m.user_id): m for m in rows}


@dataclass
class ConnectionWeek:
    connection: Connection
    runs: int = 0
    failed_runs: int = 0
    synced: int = 0
    errors: int = 0
    waiting: int = 0
    errors_seen: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{platform_name(self.connection)} ({self.connection.remote_name})"


def week_of(organisation_ids: list[int], now: datetime) -> dict[int, list[ConnectionWeek]]:
    """Per organisation, each accounting connection's week, in three queries whatever the
    number of connections."""
    slugs = [entry.slug for entry in registered() if entry.category == Category.ACCOUNTING]
    connections = Connection.objects.filter(
        organisation_id__in=organisation_ids,
        owner__isnull=True,
        provider__in=slugs,
        state__in=Connection.ACTIVE_STATES,
    ).order_by("pk")
    weeks = {c.pk: ConnectionWeek(c) for c in connections}
    runs = SyncRun.objects.filter(
        connection_id__in=list(weeks), started_at__gte=now - WEEK, finished_at__isnull=False
    ).values_list("connection_id", "status", "counts")
    for connection_id, status, counts in runs:
        week = weeks[connection_id]
        week.runs += 1
        week.failed_runs += status == SyncRun.Status.FAILED
        week.synced += sum(int((counts or {}).get(key, 0)) for key in SYNCED)
        week.errors += int((counts or {}).get("errors", 0))
    waiting = (
        Review.objects.filter(connection_id__in=list(weeks), resolution=Review.Resolution.OPEN)
        .values("connection_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in waiting:
        weeks[row["connection_id"]].waiting = row["n"]
    by_org: dict[int, list[ConnectionWeek]] = defaultdict(list)
    for week in weeks.values():
        by_org[week.connection.organisation_id].append(week)
    return by_org


def weekly_body(organisation_name: str, weeks: list[ConnectionWeek]) -> str:
    base = settings.PUBLIC_BASE_URL
    reconciliation = f"{base}{reverse('accounting:reconciliation')}"
    reviews = f"{base}{reverse('accounting:reviews')}"
    parts = [f"The week at {organisation_name}, per accounting connection:"]
    for week in weeks:
        parts.append(
            f"{week.name}\n"
            f"  Synced: {week.synced} records in {week.runs} runs\n"
            f"  Failed: {week.failed_runs} runs failed, {week.errors} record errors\n"
            f"  Waiting for review: {week.waiting}"
            + (f" (resolve them: {reviews})" if week.waiting else "")
        )
    parts.append(f"The month's reconciliation: {reconciliation}")
    parts.append(f"Stop or restart this weekly summary: {base}{reverse('attention:preferences')}")
    return "\n\n".join(parts)


def send_weekly(now: datetime | None = None) -> int:
    """The weekly summary to each member who can resolve reviews and has not turned it
    off, for organisations with an accounting connection; returns mails sent."""
    now = now or timezone.now()
    members = list(
        Membership.objects.filter(
            role__in=audience.roles_with(Capability.RESOLVE_CONFLICTS), user__is_active=True
        ).select_related("user", "organisation")
    )
    weeks = week_of(sorted({m.organisation_id for m in members}), now)
    choices = {
        (c.organisation_id, c.user_id): c
        for c in WeeklyDigestChoice.objects.filter(
            organisation_id__in=list(weeks), user_id__in=[m.user_id for m in members]
        )
    }
    sent = 0
    for member in members:
        org_weeks = weeks.get(member.organisation_id)
        choice = choices.get((member.organisation_id, member.user_id))
        if not org_weeks or (choice is not None and not _due(choice, now)):
            continue
        if not _claim_week(member, now):
            continue
        send_mail(
            f"{mail.SUBJECT_PREFIX}Your week of accounting sync at {member.organisation.name}",
            weekly_body(member.organisation.name, org_weeks),
            None,
            [member.user.email],
        )
        sent += 1
    return sent


def _due(choice: WeeklyDigestChoice, now: datetime) -> bool:
    return choice.wanted and (
        choice.last_sent_at is None or choice.last_sent_at <= now - WEEKLY_GAP
    )


def _claim_week(member: Membership, now: datetime) -> bool:
    """Mark this week's summary sent to the member; False if another run did first."""
    choice, _ = WeeklyDigestChoice.objects.get_or_create(
        organisation_id=member.organisation_id, user_id=member.user_id
    )
    claimed = WeeklyDigestChoice.objects.filter(pk=choice.pk, wanted=True).filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - WEEKLY_GAP)
    )
    return bool(claimed.update(last_sent_at=now))
