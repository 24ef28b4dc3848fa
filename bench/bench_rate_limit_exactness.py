"""8 concurrent clients on one key, on the real clock, against real Redis.

Two keys are hammered for a little over a minute, so windows roll over while the
clients race: the standard tier (100 a minute, 5,000 an hour) and an elevated one
whose hour limit is reached within the run (3,000 a minute, 5,000 an hour). For
each window the result is the most requests admitted in any span of that
window's length (a sliding check over every admitted request's time), beside the
limit. Admitted must never exceed limit.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import redis

from apikeys.ratelimit import RedisLimiter, Window

CLIENTS = 8
SECONDS = 65.0
KEYS = {
    "standard": (Window("minute", 100, 60), Window("hour", 5_000, 3_600)),
    "elevated": (Window("minute", 3_000, 60), Window("hour", 5_000, 3_600)),
}


def _hammer(
    url: str, key: str, windows: tuple[Window, ...], until: float, out: list[int], lock: Any
) -> int:
    clock_ms = [0]

    def clock() -> int:
        clock_ms[0] = time.time_ns() // 1_000_000
        return clock_ms[0]

    limiter = RedisLimiter(redis.Redis.from_url(url), clock=clock)
    attempts = 0
    while time.monotonic() < until:
        attempts += 1
        if limiter.hit(key, windows).allowed:
            with lock:
                out.append(clock_ms[0])
    return attempts


def _most_in_any_span(times: list[int], span_ms: int) -> int:
    ordered, best, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - span_ms:
            start += 1
        best = max(best, end - start + 1)
    return best


def _run_key(url: str, windows: tuple[Window, ...]) -> tuple[dict[str, Any], int]:
    key = f"bench-{uuid.uuid4().hex}"
    admitted: list[int] = []
    attempts: list[int] = []
    lock = threading.Lock()
    until = time.monotonic() + SECONDS

    def client() -> None:
        attempts.append(_hammer(url, key, windows, until, admitted, lock))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection = redis.Redis.from_url(url)
    for name in [f"rl:{{{key}}}:{w.name}" for w in windows] + [f"lu:{{{key}}}"]:
        connection.delete(name)
    result = {
        w.name: {"admitted": _most_in_any_span(admitted, w.seconds * 1000), "limit": w.limit}
        for w in windows
    }
    return result, sum(attempts)


def run() -> dict[str, Any]:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    results: dict[str, Any] = {"clients": CLIENTS, "seconds_per_key": SECONDS}
    attempts = 0
    for label, windows in KEYS.items():
        results[label], tried = _run_key(url, windows)
        attempts += tried
    results["attempts"] = attempts
    results["exceeded"] = any(
        window["admitted"] > window["limit"] for label in KEYS for window in results[label].values()
    )
    return results
