"""The embedded SQLite store against the Redis one: same decisions, shared across processes."""

from __future__ import annotations

import multiprocessing
import random
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from apikeys import limiting
from apikeys.ratelimit import Decision, Limiter, LocalLimiter, RedisLimiter, Window
from apikeys.sqlite_store import SqliteLimiter
from tests.apikeys.helpers import HOUR_MS, STANDARD, Clock, new_key
from tests.apikeys.sqlite_hammer import hammer


def _without_gate(decision: Decision) -> Decision:
    # Redis expires the "last used" gate on its own clock, not the test's.
    return replace(decision, touch_last_used=False)


def test_both_stores_make_the_same_decisions(redis_client: redis.Redis, tmp_path: Path) -> None:
    rng = random.Random(11)  # noqa: S311 - a reproducible traffic pattern, not a secret
    clock = Clock(10 * HOUR_MS + 123)
    in_redis = RedisLimiter(redis_client, clock=clock)
    in_sqlite = SqliteLimiter(tmp_path / "limits.sqlite3", clock=clock)
    key = new_key()
    windows = (Window("minute", 10, 60), Window("hour", 120, 3_600))
    decisions = []
    for _ in range(2_000):  # bursts, pauses and window crossings, about 1.5 hours
        clock.now += rng.choice([0, 1, 7, 333, 999, 1_000, 4_321, 20_000, 61_000])
        expected = in_redis.hit(key, windows)
        assert _without_gate(in_sqlite.hit(key, windows)) == _without_gate(expected)
        decisions.append(expected)
    assert {d.violated for d in decisions} >= {(), ("minute",), ("hour",)}


def test_the_101st_request_of_a_minute_is_refused_until_retry_after(tmp_path: Path) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter = SqliteLimiter(tmp_path / "limits.sqlite3", clock=clock)
    assert all(limiter.hit(1, STANDARD).allowed for _ in range(100))
    refused = limiter.hit(1, STANDARD)
    assert (refused.allowed, refused.violated, refused.remaining()) == (
        False,
        ("minute",),
        [0, 4900],
    )
    clock.now += refused.retry_after_ms - 1
    assert not limiter.hit(1, STANDARD).allowed
    clock.now += 1
    assert limiter.hit(1, STANDARD).allowed
    assert not limiter.hit(2, STANDARD).violated  # another key has its own counters


def test_the_last_used_gate_opens_once_per_period(tmp_path: Path) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter = SqliteLimiter(tmp_path / "limits.sqlite3", clock=clock)
    touches = [limiter.hit(1, STANDARD, gate_seconds=60).touch_last_used for _ in range(5)]
    clock.now += 60_000
    touches.append(limiter.hit(1, STANDARD, gate_seconds=60).touch_last_used)
    assert touches == [True, False, False, False, False, True]


def test_processes_sharing_the_file_admit_exactly_the_limit(tmp_path: Path) -> None:
    path, key = str(tmp_path / "limits.sqlite3"), uuid.uuid4().hex
    context = multiprocessing.get_context("spawn")  # a clean interpreter, as web processes are
    start, admitted = context.Barrier(4), context.Queue()
    workers = [
        context.Process(target=hammer, args=(path, key, 50, start, admitted)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    counts = [admitted.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join()
    assert sum(counts) == 100  # of 200 attempts from four processes at once


def test_an_unusable_file_is_decided_locally_for_a_while(tmp_path: Path) -> None:
    clock = Clock(10 * HOUR_MS)
    broken = SqliteLimiter(tmp_path, clock=clock)  # a directory: SQLite cannot open it
    limiter = Limiter(broken, LocalLimiter(processes=2, clock=clock))
    decisions = [limiter.hit(1, STANDARD) for _ in range(60)]
    assert limiter.failures == 1
    assert sum(d.allowed for d in decisions) == 50
    assert all(d.degraded for d in decisions)


def test_the_local_fallback_still_keeps_last_used_current() -> None:
    clock = Clock(10 * HOUR_MS)
    limiter = LocalLimiter(processes=2, clock=clock)
    touches = [limiter.hit(1, STANDARD, gate_seconds=60).touch_last_used for _ in range(3)]
    clock.now += 60_000
    touches.append(limiter.hit(1, STANDARD, gate_seconds=60).touch_last_used)
    assert touches == [True, False, False, True]


@pytest.mark.parametrize(("store", "kind"), [("redis", RedisLimiter), ("sqlite", SqliteLimiter)])
def test_settings_choose_the_store(
    store: str, kind: type, settings: object, tmp_path: Path
) -> None:
    settings.API_RATE_LIMIT_STORE = store  # type: ignore[attr-defined]
    settings.API_RATE_LIMIT_SQLITE_PATH = tmp_path / "limits.sqlite3"  # type: ignore[attr-defined]
    limiting._limiter.cache_clear()
    assert isinstance(limiting.limiter().primary, kind)
