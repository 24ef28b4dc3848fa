"""The beat task's work: each provider's calls over the last hour and day, from the call
audit, written to ProviderHealth so the page never reads the audit.

One aggregate query covers both windows and every provider. It reads the audit by
primary key from the newest AuditMark old enough to precede the day window (see
AuditMark), and by `created_at` inside that range, so it touches about a day of rows
whatever the audit's age; a month-partitioned audit is pruned by the same `created_at`
bounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Aggregate, Count, IntegerField, Max, Q, QuerySet
from django.utils import timezone

from integrations.models import AuditEntry
from status.models import AuditMark, ProviderHealth
from status.providers import status_providers

WINDOWS = {
    ProviderHealth.Window.HOUR: timedelta(hours=1),
    ProviderHealth.Window.DAY: timedelta(days=1),
}
LONGEST = max(WINDOWS.values())
# Clocks of the web and worker machines that stamp audit rows may differ from the one
# running this task by a little: a mark is trusted only this long before a window.
CLOCK_SLACK = timedelta(minutes=5)
# A call failed on the provider's side: answered 5xx, or not answered (no status:
# network failure or timeout). A 429 is counted apart: a limit, not ill health.
FAILED = Q(status_code__gte=500) | Q(status_code__isnull=True)
RATE_LIMITED = Q(status_code=429)


class PercentileDisc(Aggregate):
    """PostgreSQL's percentile_disc: a value actually observed, not an interpolation."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile's fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def _within(since: datetime | None) -> Q:
    return Q(created_at__gte=since) if since is not None else Q()


def _measures(window: str, since: datetime | None) -> dict[str, Aggregate]:
    """The window's figures as aggregates; `since` None means the whole queried range."""
    only = _within(since)
    narrowed = only if since is not None else None
    return {
        f"{window}_calls": Count("id", filter=narrowed),
        f"{window}_failures": Count("id", filter=FAILED & only),
        f"{window}_rate_limited": Count("id", filter=RATE_LIMITED & only),
        f"{window}_p95": PercentileDisc("duration_ms", 0.95, filter=narrowed),
    }


def start_id(since: datetime) -> int:
    """The audit id at or below which no row is newer than `since`."""
    mark = (
        AuditMark.objects.filter(taken_at__lte=since - CLOCK_SLACK)
        .order_by("-taken_at")
        .values_list("last_id", flat=True)
        .first()
    )
    return mark or 0


def take_mark(now: datetime) -> None:
    """Note the audit's highest id now, and forget the marks older than the one the next
    run starts from (kept however old: after a pause of beat it is still the best)."""
    last_id = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0
    AuditMark.objects.create(taken_at=now, last_id=last_id)
    starting = (
        AuditMark.objects.filter(taken_at__lte=now - LONGEST - CLOCK_SLACK)
        .order_by("-taken_at")
        .values_list("taken_at", flat=True)
        .first()
    )
    if starting is not None:
        AuditMark.objects.filter(taken_at__lt=starting).delete()


def _since(window: str, now: datetime) -> datetime | None:
    length = WINDOWS[ProviderHealth.Window(window)]
    return None if length == LONGEST else now - length


def measure(now: datetime) -> dict[str, dict[str, Any]]:
    """Per provider slug, the aggregate row of its calls in the longest window."""
    day_since = now - LONGEST
    calls = AuditEntry.objects.filter(
        id__gt=start_id(day_since), created_at__gte=day_since, created_at__lte=now
    )
    on_postgresql = db_connection.vendor == "postgresql"
    measures: dict[str, Aggregate] = {}
    for window in WINDOWS:
        found = _measures(window, _since(window, now))
        if not on_postgresql:  # `make run`'s SQLite has no percentile_disc
            found.pop(f"{window}_p95")
        measures.update(found)
    rows = calls.values("connection__provider").annotate(**measures).order_by()
    found_rows = {row["connection__provider"]: cast(dict[str, Any], row) for row in rows}
    if not on_postgresql:
        _add_p95_in_python(calls, found_rows, now)
    return found_rows


def _add_p95_in_python(
    calls: QuerySet[AuditEntry], rows: dict[str, dict[str, Any]], now: datetime
) -> None:
    """The nearest-rank 95th percentile, as percentile_disc computes it, for the small
    audits of a development database."""
    durations: dict[tuple[str, ProviderHealth.Window], list[int]] = defaultdict(list)
    for provider, at, ms in calls.values_list("connection__provider", "created_at", "duration_ms"):
        for window in WINDOWS:
            since = _since(window, now)
            if since is None or at >= since:
                durations[(provider, window)].append(ms)
    for (provider, window), times in durations.items():
        times.sort()
        rows[provider][f"{window}_p95"] = times[max(math.ceil(0.95 * len(times)) - 1, 0)]


def summarise(now: datetime | None = None) -> list[ProviderHealth]:
    """Recompute every provider's figures for every window, and save them."""
    now = now or timezone.now()
    found = measure(now)
    summaries = []
    for entry in status_providers():
        row = found.get(entry.slug, {})
        for window in WINDOWS:
            summaries.append(
                ProviderHealth(
                    provider=entry.slug,
                    window=window,
                    calls=row.get(f"{window}_calls", 0),
                    failures=row.get(f"{window}_failures", 0),
                    rate_limited=row.get(f"{window}_rate_limited", 0),
                    p95_ms=row.get(f"{window}_p95"),
                    computed_at=now,
                )
            )
    with transaction.atomic():
        ProviderHealth.objects.bulk_create(
            summaries,
            update_conflicts=True,
            unique_fields=["provider", "window"],
            update_fields=["calls", "failures", "rate_limited", "p95_ms", "computed_at"],
        )
        take_mark(now)
    return summaries
