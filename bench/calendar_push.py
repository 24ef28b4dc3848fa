"""200 crew, 10,000 assignments over a quarter, pushed into their own calendars.

Every crew member is connected to one of the three calendar sandboxes (a third each):
Google Calendar and Microsoft Graph (the emulators, served by gunicorn with Patchbay's
notification receivers) and iCloud (a real Radicale behind the iCloud fault layer, on a
thread of this process). The organisation's defaults: crew assignments only, real time,
a Patchbay calendar of each user's own. The engine runs in real Celery workers (one
worker, a prefork pool of WORKERS processes), with each provider's real limits as the
sandboxes enforce them: Google 600 calls a minute per user, Graph 10,000 per 10 minutes
per mailbox (and, client side, 4 at once), iCloud none (Apple publishes none).

Phases: (1) push: a sync of every connection, queued at once; (2) a quiet round: a sync
of every connection with nothing changed; (3) propagation: SAMPLES assignments moved
by 30 minutes, saved one at a time every INTERVAL seconds while the workers run, each
timed from just before its save to the moment the sandbox stored the changed event
(the Google event's `updated`, the Graph event's `modified_at`, the Radicale file's
mtime; all on this machine's clock).

Figures:
- ``events``: events the push should write (one per assignment); ``events_in_sandbox``
  counts what the sandboxes hold afterwards in Patchbay's calendars.
- ``calls``: API calls of the push as the sandboxes counted them (Google's and Graph's
  call records; every request Radicale's front layer saw). ``audit_calls`` is the same
  from Patchbay's AuditEntry rows.
- ``min_calls``: one write per event, plus per user what cannot be avoided: Google, the
  calendar insert, one events.list page of the primary calendar (busy time, empty here)
  and one events.watch; Graph, the calendar POST, one calendarView/delta page and one
  subscription POST; iCloud, a PROPFIND for the principal, one for the calendar home and
  the MKCALENDAR. 3 per user everywhere. No batch requests are used.
- ``rate_bound_s``: the least time the providers' limits force on these calls, given
  that a sync holds one of WORKERS slots while it waits: per account, a full window per
  limit's worth of calls beyond the first (Google 600 a minute per user and 10,000 a
  minute per project; Graph 10,000 per 10 minutes per mailbox); the bound is the larger
  of the longest such wait and their sum over WORKERS. With ~50 events per user no limit
  binds, so it is 0 here.
- ``latency_bound_s``: the least time the calls themselves take as measured (AuditEntry
  ``duration_ms``: the HTTP exchange, with the token check around it for OAuth
  providers), with WORKERS calls at once (one per worker process: a sync's calls are
  serial): max(sum of all call times / WORKERS, the longest one connection's calls).
- ``wall_ratio`` = ``wall_s`` / max(rate_bound_s, latency_bound_s); ``wall_s`` runs from
  queueing the syncs to the end of the last one.
- ``sum_call_s`` / ``sum_run_s``: the push's call times and its runs' durations, summed
  (their difference is the engine's own time: the database and the runs' bookkeeping).
- ``noop_sync_calls``: calls of the quiet round (target: at most one per user).
- ``propagation_p50_ms`` / ``propagation_p99_ms``: as above; ``propagation_lost``
  counts changes not stored within PATIENCE seconds of the last save.

Scale from the environment (medium or quick runs): CALENDAR_BENCH_USERS,
CALENDAR_BENCH_ASSIGNMENTS, CALENDAR_BENCH_SAMPLES, CALENDAR_BENCH_INTERVAL,
CALENDAR_BENCH_WORKERS. (The benchmark is bench_calendar_push.py; the harness only runs
``bench_*.py``.)
"""

from __future__ import annotations

import math
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bench import calendar_servers as servers
from bench.apiaccess import percentile
from bench.calendar_world import PROVIDERS, World, build

PER_USER_MIN_CALLS = 3
PATIENCE = 60.0
SETTLE_S = 1.5  # quiet this long (no run, no task) before a phase counts as over
PHASE_TIMEOUT_S = 3 * 3600
MOVE = timedelta(minutes=30)
SANDBOX = "gunicorn, 3 processes x 2 threads (Google, Graph); Radicale on a thread (iCloud)"


@dataclass(frozen=True)
class Scale:
    users: int = 200
    assignments: int = 10_000
    samples: int = 500
    interval_s: float = 0.2
    workers: int = 2

    @classmethod
    def from_env(cls) -> Scale:
        return cls(
            users=int(os.environ.get("CALENDAR_BENCH_USERS", cls.users)),
            assignments=int(os.environ.get("CALENDAR_BENCH_ASSIGNMENTS", cls.assignments)),
            samples=int(os.environ.get("CALENDAR_BENCH_SAMPLES", cls.samples)),
            interval_s=float(os.environ.get("CALENDAR_BENCH_INTERVAL", cls.interval_s)),
            workers=int(os.environ.get("CALENDAR_BENCH_WORKERS", cls.workers)),
        )


def measure(database_url: str, scale: Scale) -> dict[str, Any]:
    """The benchmark on a migrated, empty database this process is connected to."""
    from django.conf import settings

    redis_url = str(settings.REDIS_URL)
    servers.clear_redis(redis_url)
    world = build(scale.users, scale.assignments)
    with ExitStack() as stack:
        public = stack.enter_context(servers.sandbox_server(database_url, redis_url))
        icloud: Any = stack.enter_context(servers.icloud_sandbox(world.icloud_users))
        stack.enter_context(_pointed_at(public, icloud.url))
        stack.enter_context(
            servers.workers(database_url, redis_url, public, icloud.url, scale.workers)
        )
        bench = Bench(world, icloud, redis_url, scale)
        push = bench.phase(bench.sync_everyone, everyone=True)
        quiet = bench.phase(bench.sync_everyone, everyone=True)
        moved = bench.phase(bench.propagate, everyone=False)
        return bench.figures(push, quiet, moved)


@contextmanager
def _pointed_at(public: str, icloud_url: str) -> Iterator[None]:
    """This process's settings as the workers' (it only queues syncs)."""
    from django.test.utils import override_settings

    base = f"{public}/sandbox"
    with override_settings(
        PUBLIC_BASE_URL=public,
        GOOGLE_CALENDAR_API_BASE=f"{base}/google-calendar/calendar/v3",
        GOOGLE_CALENDAR_TOKEN_URL=f"{base}/google-calendar/token",
        OUTLOOK_GRAPH_BASE=f"{base}/microsoft-graph/v1.0",
        OUTLOOK_TOKEN_URL=f"{base}/microsoft-graph/login/common/oauth2/v2.0/token",
        ICLOUD_CALDAV_URL=icloud_url,
    ):
        yield


@dataclass(frozen=True)
class Phase:
    started: datetime
    ended: datetime
    wall_s: float  # from the start to the end of the last run
    runs: list[Any]
    sandbox_calls: dict[str, int]
    audit: list[tuple[str, int, int]]  # (provider, connection id, duration_ms) per call

    @property
    def calls(self) -> int:
        return sum(self.sandbox_calls.values())


class Bench:
    def __init__(self, world: World, icloud: Any, redis_url: str, scale: Scale) -> None:
        self.world, self.icloud, self.redis_url, self.scale = world, icloud, redis_url, scale
        self.connection_ids = [crew.connection_id for crew in world.crew]
        self.latencies: dict[int, tuple[str, float | None]] = {}

    # --- phases -------------------------------------------------------------------------

    def sync_everyone(self) -> None:
        from integrations.models import SyncRun
        from integrations.syncs import sync_connection

        for connection_id in self.connection_ids:
            sync_connection.delay(connection_id, SyncRun.Trigger.MANUAL)

    def phase(self, start: Callable[[], None], *, everyone: bool) -> Phase:
        """Run `start`, then wait until no sync runs or waits (with `everyone`: until
        every connection has had a run since); what the phase cost."""
        from django.utils import timezone

        from integrations.models import AuditEntry, SyncRun

        seen_before = len(self.icloud.faults.seen)
        started, clock = timezone.now(), time.monotonic()
        start()
        self._wait_until_quiet(started, everyone=everyone)
        ended = timezone.now()
        runs = list(SyncRun.objects.filter(started_at__gte=started).order_by("pk"))
        last = max((run.finished_at for run in runs if run.finished_at), default=ended)
        audit = list(
            AuditEntry.objects.filter(run__in=runs).values_list(
                "connection__provider", "connection_id", "duration_ms"
            )
        )
        calls = self._sandbox_calls(started, ended)
        calls["icloud"] = len(self.icloud.faults.seen) - seen_before
        wall = (last - started).total_seconds() if runs else time.monotonic() - clock
        return Phase(started, ended, wall, runs, calls, audit)

    def _wait_until_quiet(self, started: datetime, *, everyone: bool) -> None:
        from integrations.models import SyncRun

        deadline, quiet_since = time.monotonic() + PHASE_TIMEOUT_S, None
        wanted = set(self.connection_ids) if everyone else set()
        while time.monotonic() < deadline:
            finished = SyncRun.objects.filter(started_at__gte=started).exclude(
                status=SyncRun.Status.RUNNING
            )
            done = wanted <= set(finished.values_list("connection_id", flat=True))
            busy = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exists()
            idle = done and not busy and servers.tasks_pending(self.redis_url) == 0
            if not idle:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= SETTLE_S:
                return
            time.sleep(0.1)
        raise RuntimeError("The workers did not finish within the phase timeout.")

    def _sandbox_calls(self, started: datetime, ended: datetime) -> dict[str, int]:
        from sandbox.google_calendar.models import GoogleApiCall
        from sandbox.microsoft_graph.models import GraphApiCall

        window = {"at__gte": started, "at__lte": ended}
        return {
            "google-calendar": GoogleApiCall.objects.filter(**window).count(),
            "outlook": GraphApiCall.objects.filter(**window).count(),
        }

    # --- propagation ----------------------------------------------------------------

    def propagate(self) -> None:
        """Move SAMPLES assignments one at a time; keeps the provider and milliseconds
        (None: not stored within PATIENCE) of each in `latencies`."""
        from operations.models import CrewAssignment

        everyone = CrewAssignment.objects.filter(organisation=self.world.organisation)
        pool = sorted(everyone.values_list("pk", flat=True))
        picks = random.Random(13).sample(pool, min(self.scale.samples, len(pool)))  # noqa: S311
        where = self._stored_at_handles(picks)
        saved: dict[int, float] = {}
        for pk in picks:
            ticked = time.monotonic()
            assignment = CrewAssignment.objects.get(pk=pk)
            assignment.starts_at += MOVE
            assignment.ends_at += MOVE
            saved[pk] = time.time()
            assignment.save()  # autocommit: the wake-up goes on commit, at once
            time.sleep(max(0.0, self.scale.interval_s - (time.monotonic() - ticked)))
        stored = self._await_stored(where, saved)
        self.latencies = {
            pk: (where[pk][0], (stored[pk] - saved[pk]) * 1000 if pk in stored else None)
            for pk in picks
        }

    def _stored_at_handles(self, picks: list[int]) -> dict[int, tuple[str, str]]:
        """Assignment -> (provider, where its event is: Google event id, Graph event id
        or Radicale file path)."""
        from calendars.models import EventLink

        links = EventLink.objects.filter(
            source=EventLink.Source.ASSIGNMENT, source_id__in=picks
        ).select_related("connection")
        found = {}
        for link in links:
            provider = link.connection.provider
            handle = link.remote_id
            if provider == "icloud":
                handle = str(self._radicale_file(link.remote_id))
            found[link.source_id] = (provider, handle)
        return found

    def _radicale_file(self, href: str) -> Path:
        path = unquote(urlsplit(href).path).removeprefix(self.icloud.faults.partition_prefix)
        return Path(self.icloud.storage) / "collections" / "collection-root" / path.lstrip("/")

    def _await_stored(
        self, where: dict[int, tuple[str, str]], saved: dict[int, float]
    ) -> dict[int, float]:
        stored: dict[int, float] = {}
        deadline = time.monotonic() + PATIENCE
        while len(stored) < len(saved) and time.monotonic() < deadline:
            waiting = {pk: where[pk] for pk in saved if pk not in stored and pk in where}
            for pk, at in self._store_times(waiting).items():
                if at > saved[pk]:
                    stored[pk] = at
            time.sleep(0.2)
        return stored

    def _store_times(self, waiting: dict[int, tuple[str, str]]) -> dict[int, float]:
        from sandbox.google_calendar.models import GoogleEvent
        from sandbox.microsoft_graph.models import GraphEvent

        by_handle = {handle: pk for pk, (_, handle) in waiting.items()}
        of = defaultdict(list)
        for provider, handle in waiting.values():
            of[provider].append(handle)
        times: dict[int, float] = {}
        google = GoogleEvent.objects.filter(event_id__in=of["google-calendar"])
        for event_id, updated in google.values_list("event_id", "updated"):
            times[by_handle[event_id]] = updated.timestamp()
        graph = GraphEvent.objects.filter(graph_id__in=of["outlook"])
        for graph_id, modified in graph.values_list("graph_id", "modified_at"):
            times[by_handle[graph_id]] = modified.timestamp()
        for path in of["icloud"]:
            try:
                times[by_handle[path]] = os.stat(path).st_mtime
            except FileNotFoundError:
                continue
        return times

    # --- what the sandboxes hold ----------------------------------------------------

    def events_in_sandbox(self) -> dict[str, int]:
        from calendars.models import CalendarTarget
        from sandbox.google_calendar.models import GoogleEvent
        from sandbox.microsoft_graph.models import GraphEvent

        google = GoogleEvent.objects.filter(calendar__primary=False).exclude(status="cancelled")
        graph = GraphEvent.objects.filter(calendar__is_default=False, deleted_at__isnull=True)
        targets = CalendarTarget.objects.filter(connection__provider="icloud")
        files = sum(
            len(list(self._radicale_file(target.remote_id).glob("*.ics"))) for target in targets
        )
        return {"google-calendar": google.count(), "outlook": graph.count(), "icloud": files}

    # --- figures ----------------------------------------------------------------------

    def figures(self, push: Phase, quiet: Phase, moved: Phase) -> dict[str, Any]:
        from calendars.models import EventLink
        from integrations.models import SyncRun

        users = len(self.world.crew)
        events = EventLink.objects.count()
        min_calls = events + PER_USER_MIN_CALLS * users
        bound = rate_bound(push.audit, self.scale.workers)
        latency = latency_bound(push.audit, self.scale.workers)
        latencies = self.latencies
        values = [ms for _, ms in latencies.values() if ms is not None]
        in_sandbox = self.events_in_sandbox()
        statuses: dict[str, int] = defaultdict(int)
        for run in push.runs:
            statuses[run.status] += 1
        return {
            "users": users,
            "assignments": self.scale.assignments,
            "by_provider": self.world.by_provider(),
            "events": events,
            "events_in_sandbox": sum(in_sandbox.values()),
            "events_in_sandbox_by_provider": in_sandbox,
            "push_runs": dict(statuses),
            "push_errors": sum(len(run.errors) for run in push.runs),
            "calls": push.calls,
            "calls_by_provider": push.sandbox_calls,
            "audit_calls": len(push.audit),
            "min_calls": min_calls,
            "calls_ratio": round(push.calls / min_calls, 3) if min_calls else None,
            "wall_s": round(push.wall_s, 2),
            "rate_bound_s": round(bound, 2),
            "latency_bound_s": round(latency, 2),
            "wall_ratio": _ratio(push.wall_s, max(bound, latency)),
            "sum_call_s": round(sum(ms for _, _, ms in push.audit) / 1000, 2),
            "sum_run_s": round(sum(_seconds(run) for run in push.runs), 2),
            "call_p50_ms": percentile([float(ms) for _, _, ms in push.audit], 0.5),
            "noop_sync_calls": quiet.calls,
            "noop_sync_calls_by_provider": quiet.sandbox_calls,
            "noop_sync_s": round(quiet.wall_s, 2),
            "connected_users": users,
            "propagation_samples": len(latencies),
            "propagation_p50_ms": round(percentile(values, 0.5), 1),
            "propagation_p99_ms": round(percentile(values, 0.99), 1),
            "propagation_max_ms": round(max(values, default=0.0), 1),
            "propagation_lost": sum(1 for _, ms in latencies.values() if ms is None),
            "propagation_by_provider": _by_provider(latencies),
            "propagation_interval_s": self.scale.interval_s,
            "propagation_syncs": len(moved.runs),
            "propagation_calls": moved.calls,
            "propagation_failed_runs": sum(
                1 for run in moved.runs if run.status != SyncRun.Status.SUCCEEDED
            ),
            "workers": self.scale.workers,
            "sandbox": SANDBOX,
        }


def _seconds(run: Any) -> float:
    return (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0


def _ratio(wall: float, bound: float) -> float | None:
    return round(wall / bound, 3) if bound > 0 else None


def _by_provider(latencies: dict[int, tuple[str, float | None]]) -> dict[str, Any]:
    out = {}
    for provider in PROVIDERS:
        values = [ms for p, ms in latencies.values() if p == provider and ms is not None]
        out[provider] = {
            "samples": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    return out


# Calls allowed per window, per account (Google: user; Graph: mailbox), and for all
# accounts of the app together; iCloud publishes none.
ACCOUNT_WINDOWS = {"google-calendar": (600, 60.0), "outlook": (10_000, 600.0)}
APP_WINDOWS = {"google-calendar": (10_000, 60.0)}


def _forced_wait(calls: int, limit: int, window_s: float) -> float:
    return max(0, math.ceil(calls / limit) - 1) * window_s


def rate_bound(audit: list[tuple[str, int, int]], slots: int) -> float:
    """The least time the providers' limits force on these calls (see the module)."""
    per_account: dict[tuple[str, int], int] = defaultdict(int)
    per_app: dict[str, int] = defaultdict(int)
    for provider, connection_id, _ in audit:
        per_account[(provider, connection_id)] += 1
        per_app[provider] += 1
    waits = [
        _forced_wait(n, *ACCOUNT_WINDOWS[provider])
        for (provider, _), n in per_account.items()
        if provider in ACCOUNT_WINDOWS
    ]
    app = [_forced_wait(n, *APP_WINDOWS[p]) for p, n in per_app.items() if p in APP_WINDOWS]
    return max([max(waits, default=0.0), sum(waits) / slots, *app])


def latency_bound(audit: list[tuple[str, int, int]], slots: int) -> float:
    """The least time the calls take as measured, `slots` at once (see the module)."""
    per_connection: dict[int, float] = defaultdict(float)
    for _, connection_id, ms in audit:
        per_connection[connection_id] += ms / 1000
    total = sum(per_connection.values())
    return max(total / slots, max(per_connection.values(), default=0.0))
