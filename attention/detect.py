"""What is wrong right now, per kind: each detector reads the state the other apps keep
(connections, sync runs, reviews, webhook endpoints, API keys) through their models and
returns the open problems of every organisation, in a fixed number of queries.

Nothing here writes: ``attention.scan`` compares these problems with the open notices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounting.models import Review
from apikeys.models import ApiKey
from attention.kinds import Kind
from integrations.models import Connection, ConnectionEvent, SyncRun
from integrations.registry import platform_name
from webhooks import endpoint_health
from webhooks.models import Endpoint

DEGRADED_FOR = timedelta(hours=1)
FAILED_RUNS_IN_A_ROW = 3
# Runs older than this are not read: a connection syncing every 15 minutes that failed
# three times in a row did so well within it, and the window keeps the read small.
RUNS_LOOKBACK = timedelta(days=7)
REVIEW_WAIT = timedelta(days=1)
KEY_EXPIRY_WINDOW = timedelta(days=7)
# The limiter's words for a spent daily limit (integrations.limiter.DailyLimitReached),
# which the engine writes into the connection's reason when it pauses.
DAILY_LIMIT_WORDS = "daily limit is reached"


@dataclass(frozen=True)
class Problem:
    organisation_id: int
    subject_key: str
    title: str
    detail: str
    link: str
    user_id: int | None = None


Key = tuple[int, str]
Detector = Callable[[datetime], dict[Key, Problem]]


def _by_key(problems: list[Problem]) -> dict[Key, Problem]:
    return {(p.organisation_id, p.subject_key): p for p in problems}


def _name(connection: Connection) -> str:
    return f"{platform_name(connection)} ({connection.remote_name})"


def _organisation_connections() -> Q:
    return Q(owner__isnull=True)


def connection_errors(now: datetime) -> dict[Key, Problem]:
    rows = Connection.objects.filter(_organisation_connections(), state=Connection.State.ERROR)
    link = reverse("integrations:index")
    return _by_key(
        [
            Problem(
                c.organisation_id,
                str(c.pk),
                f"{_name(c)} needs Reconnect",
                f"{c.reason or 'The provider refused Patchbay.'} Open Integrations and press "
                f"Reconnect on the {platform_name(c)} card; what was synced is kept.",
                link,
            )
            for c in rows
        ]
    )


def connections_degraded(now: datetime) -> dict[Key, Problem]:
    since = (
        ConnectionEvent.objects.filter(
            connection=OuterRef("pk"), kind=ConnectionEvent.Kind.DEGRADED
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    rows = (
        Connection.objects.filter(_organisation_connections(), state=Connection.State.DEGRADED)
        .exclude(reason__contains=DAILY_LIMIT_WORDS)
        .annotate(degraded_since=Subquery(since))
        .filter(degraded_since__lte=now - DEGRADED_FOR)
    )
    link = reverse("integrations:index")
    return _by_key(
        [
            Problem(
                c.organisation_id,
                str(c.pk),
                f"{_name(c)} has been degraded for over an hour",
                f"{c.reason} Patchbay keeps retrying on its own; if it lasts, check the "
                "provider's status page and the connection's Details.",
                link,
            )
            for c in rows
        ]
    )


def daily_limits(now: datetime) -> dict[Key, Problem]:
    rows = Connection.objects.filter(
        _organisation_connections(),
        state=Connection.State.DEGRADED,
        reason__contains=DAILY_LIMIT_WORDS,
    )
    link = reverse("integrations:index")
    return _by_key(
        [
            Problem(
                c.organisation_id,
                str(c.pk),
                f"{_name(c)} reached the provider's daily limit",
                f"{c.reason}. Nothing is lost: what is waiting goes at the next sync after "
                "the reset. If this happens often, sync less often or split the work.",
                link,
            )
            for c in rows
        ]
    )


def failing_syncs(now: datetime) -> dict[Key, Problem]:
    """Connections whose last three finished runs all failed."""
    ranked = (
        SyncRun.objects.filter(
            connection__owner__isnull=True,
            connection__state__in=Connection.ACTIVE_STATES,
            finished_at__isnull=False,
            started_at__gte=now - RUNS_LOOKBACK,
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("connection_id")], order_by=F("started_at").desc()
            )
        )
        .filter(rank__lte=FAILED_RUNS_IN_A_ROW)
        .select_related("connection")
    )
    runs: dict[int, list[SyncRun]] = defaultdict(list)
    for run in ranked:
        runs[run.connection_id].append(run)
    link = reverse("accounting:runs")
    problems = []
    for last in runs.values():
        if len(last) < FAILED_RUNS_IN_A_ROW:
            continue
        if any(run.status != SyncRun.Status.FAILED for run in last):
            continue
        c = last[0].connection
        error = next((e for e in last[0].errors if e), "")
        problems.append(
            Problem(
                c.organisation_id,
                str(c.pk),
                f"{_name(c)}: the last {FAILED_RUNS_IN_A_ROW} syncs failed",
                f"The latest failed with: {_error_text(error)} Open Sync runs for each run's "
                "errors; Patchbay keeps trying at every scheduled sync.",
                f"{link}?connection={c.pk}",
            )
        )
    return _by_key(problems)


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        error = error.get("message") or error.get("error") or ""
    text = str(error or "no message was recorded.")
    return text[:300]


def reviews_waiting(now: datetime) -> dict[Key, Problem]:
    rows = (
        Review.objects.filter(resolution=Review.Resolution.OPEN, detected_at__lte=now - REVIEW_WAIT)
        .values("organisation_id", "connection_id")
        .annotate(waiting=Count("pk"), oldest=Min("detected_at"))
        .order_by()
    )
    connections = Connection.objects.in_bulk([row["connection_id"] for row in rows])
    link = reverse("accounting:reviews")
    problems = []
    for row in rows:
        c = connections[row["connection_id"]]
        n = row["waiting"]
        what = "review or conflict has" if n == 1 else "reviews or conflicts have"
        problems.append(
            Problem(
                row["organisation_id"],
                str(c.pk),
                f"{_name(c)}: {n} {what} waited over a day",
                "Records held for review are not synced until someone decides. Open "
                "Conflicts and reviews and resolve them.",
                link,
            )
        )
    return _by_key(problems)


def webhooks_failing(now: datetime) -> dict[Key, Problem]:
    rows = Endpoint.objects.filter(failing_since__lte=now - endpoint_health.FAILING_NOTICE_AFTER)
    return _by_key(
        [
            Problem(
                e.organisation_id,
                str(e.pk),
                f"Webhook endpoint {e.url} has been failing for over 24 hours",
                "Every delivery to it since "
                f"{e.failing_since:%Y-%m-%d %H:%M} UTC failed. Check the receiver and its "
                "delivery log; after 5 days of failures Patchbay disables the endpoint.",
                reverse("apikeys:webhooks:endpoint_edit", args=[e.pk]),
            )
            for e in rows
        ]
    )


def webhooks_disabled(now: datetime) -> dict[Key, Problem]:
    rows = Endpoint.objects.filter(auto_disabled_at__isnull=False)
    return _by_key(
        [
            Problem(
                e.organisation_id,
                str(e.pk),
                f"Webhook endpoint {e.url} was disabled after 5 days of failures",
                "Nothing is sent to it now. Fix the receiver, then press Re-enable on the "
                "endpoint's page: what it missed is sent again.",
                reverse("apikeys:webhooks:endpoint_edit", args=[e.pk]),
            )
            for e in rows
        ]
    )


def keys_expiring(now: datetime) -> dict[Key, Problem]:
    rows = ApiKey.objects.filter(
        revoked_at__isnull=True, expires_at__isnull=False, expires_at__lte=now + KEY_EXPIRY_WINDOW
    ).select_related("organisation")
    link = reverse("apikeys:index")
    return _by_key(
        [
            Problem(
                k.organisation_id,
                str(k.pk),
                f"API key {k.name} ({k.prefix}…{k.last4}) expires {_local(k)}",
                "Create a replacement key, move your tools to it, then revoke this one: an "
                "expired key is refused.",
                link,
            )
            for k in rows
        ]
    )


def _local(key: ApiKey) -> str:
    """The key's expiry in its organisation's time zone, with the zone's name."""
    zone = ZoneInfo(key.organisation.timezone)
    expires = key.expires_at or timezone.now()  # the query asked for keys that expire
    return f"{expires.astimezone(zone):%d %b %Y %H:%M} {zone.key}"


def calendars_needing_reconnect(now: datetime) -> dict[Key, Problem]:
    rows = Connection.objects.filter(owner__isnull=False, state=Connection.State.ERROR)
    link = reverse("tenancy:profile")
    return _by_key(
        [
            Problem(
                c.organisation_id,
                str(c.pk),
                f"Your {_name(c)} calendar needs Reconnect",
                f"{c.reason or 'The account refused Patchbay.'} Your assignments stop "
                f"reaching it until you open your profile and press Reconnect on the "
                f"{platform_name(c)} card; nothing is lost.",
                link,
                user_id=c.owner_id,
            )
            for c in rows
        ]
    )


DETECTORS: dict[str, Detector] = {
    Kind.CONNECTION_ERROR: connection_errors,
    Kind.CONNECTION_DEGRADED: connections_degraded,
    Kind.DAILY_LIMIT: daily_limits,
    Kind.SYNC_FAILING: failing_syncs,
    Kind.REVIEWS_WAITING: reviews_waiting,
    Kind.WEBHOOK_FAILING: webhooks_failing,
    Kind.WEBHOOK_DISABLED: webhooks_disabled,
    Kind.API_KEY_EXPIRING: keys_expiring,
    Kind.CALENDAR_RECONNECT: calendars_needing_reconnect,
}

__all__ = ["DETECTORS", "Problem"]
