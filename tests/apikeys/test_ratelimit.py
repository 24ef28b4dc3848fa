"""The limiter against real Redis, with a controlled clock passed in from the test."""

from __future__ import annotations

import random
import threading

import redis
from django.conf import settings

from apikeys.ratelimit import Limiter, LocalLimiter, RedisLimiter, Window
from tests.apikeys.helpers import HOUR_MS, STANDARD, Clock, new_key


def _limiter(client: redis.Redis, clock: Clock) -> RedisLimiter:
    return RedisLimiter(client, clock=clock)


def test_the_101st_request_of_a_minute_is_refused_until_retry_after(
    redis_client: redis.Redis,
) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter, key = _limiter(redis_client, clock), new_key()
    assert all(limiter.hit(key, STANDARD).allowed for _ in range(100))
    refused = limiter.hit(key, STANDARD)
    assert not refused.allowed
    assert refused.violated == ("minute",)
    clock.now += refused.retry_after_ms - 1
    assert not limiter.hit(key, STANDARD).allowed
    clock.now += 1
    assert limiter.hit(key, STANDARD).allowed


def test_refused_requests_do_not_spend_the_hour(redis_client: redis.Redis) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter, key = _limiter(redis_client, clock), new_key()
    for _ in range(100):
        limiter.hit(key, STANDARD)
    refusals = [limiter.hit(key, STANDARD) for _ in range(500)]
    assert not any(decision.allowed for decision in refusals)
    hour_counts = redis_client.hvals(f"rl:{{{key}}}:hour")
    assert sum(int(count) for count in hour_counts) == 100
    assert refusals[-1].used == (100, 100)


def test_the_hour_refuses_on_its_own_and_says_so(redis_client: redis.Redis) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter, key = _limiter(redis_client, clock), new_key()
    windows = (Window("minute", 100, 60), Window("hour", 150, 3_600))
    admitted = 0
    for _ in range(4):  # 4 minutes of 100 attempts each
        admitted += sum(limiter.hit(key, windows).allowed for _ in range(100))
        clock.now += 61_000
    assert admitted == 150
    assert limiter.hit(key, windows).violated == ("hour",)


def test_no_burst_across_a_window_boundary(redis_client: redis.Redis) -> None:
    boundary = 10 * HOUR_MS + 60_000
    clock = Clock(boundary - 100)
    limiter, key = _limiter(redis_client, clock), new_key()
    assert sum(limiter.hit(key, STANDARD).allowed for _ in range(100)) == 100
    clock.now = boundary + 100
    assert sum(limiter.hit(key, STANDARD).allowed for _ in range(100)) == 0


def test_no_span_of_one_window_ever_admits_more_than_the_limit(redis_client: redis.Redis) -> None:
    rng = random.Random(7)  # noqa: S311 - a reproducible traffic pattern, not a secret
    clock = Clock(10 * HOUR_MS)
    limiter, key = _limiter(redis_client, clock), new_key()
    windows = (Window("minute", 10, 60), Window("hour", 200, 3_600))
    admitted: list[int] = []
    for _ in range(3_000):  # about 2.5 hours of uneven traffic
        clock.now += rng.choice([0, 5, 50, 500, 3_000, 9_000])
        if limiter.hit(key, windows).allowed:
            admitted.append(clock.now)
    for window in windows:
        span = window.seconds * 1000
        worst = max(sum(1 for t in admitted if start - span < t <= start) for start in admitted)
        assert worst <= window.limit
    assert len(admitted) > 200  # the limits were reached, not trivially met


def test_concurrent_requests_on_one_key_admit_exactly_the_limit(redis_client: redis.Redis) -> None:
    clock = Clock(10 * HOUR_MS)
    key = new_key()
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(25)

    def hammer() -> None:
        own = _limiter(redis.Redis.from_url(settings.REDIS_URL), clock)
        start.wait()
        outcomes = [own.hit(key, STANDARD).allowed for _ in range(20)]
        with lock:
            results.extend(outcomes)

    threads = [threading.Thread(target=hammer) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 500
    assert sum(results) == 100


def test_two_keys_never_share_counters(redis_client: redis.Redis) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter, first, second = _limiter(redis_client, clock), new_key(), new_key()
    for _ in range(100):
        limiter.hit(first, STANDARD)
    assert not limiter.hit(first, STANDARD).allowed
    assert limiter.hit(second, STANDARD).allowed


def test_all_keys_of_one_call_share_a_cluster_slot(redis_client: redis.Redis) -> None:
    # The {…} hash tag puts every key of a script call in one Redis Cluster slot.
    key = "test-slot"
    names = [f"rl:{{{key}}}:minute", f"rl:{{{key}}}:hour", f"lu:{{{key}}}"]
    tags = {name[name.index("{") + 1 : name.index("}")] for name in names}
    assert tags == {key}


def test_last_used_gate_opens_once_per_period(redis_client: redis.Redis) -> None:
    clock = Clock(10 * HOUR_MS)
    limiter, key = _limiter(redis_client, clock), new_key()
    touches = [limiter.hit(key, STANDARD, gate_seconds=60).touch_last_used for _ in range(5)]
    assert touches == [True, False, False, False, False]
    redis_client.delete(f"lu:{{{key}}}")


def test_without_redis_each_process_limits_alone_and_skips_redis_for_a_while() -> None:
    clock = Clock(10 * HOUR_MS)
    dead = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter = Limiter(RedisLimiter(dead, clock=clock), LocalLimiter(processes=4, clock=clock))
    decisions = [limiter.hit(1, STANDARD) for _ in range(30)]
    assert limiter.failures == 1  # one failed call opened the breaker; no more waits on Redis
    assert sum(d.allowed for d in decisions) == 25  # 100 per minute over 4 processes
    assert all(d.degraded for d in decisions)
    assert decisions[-1].violated == ("minute",)
