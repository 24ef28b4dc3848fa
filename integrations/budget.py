"""Rate budgets per remote organisation, shared by every worker through Redis.

Spent before each call (proactive), corrected by the provider's remaining-quota
headers and by 429 + Retry-After (reactive). The minute window slides (a log of
call times), so no burst across a window boundary can exceed the provider's
limit whether its windows are fixed or rolling. Without Redis (make run's
embedded mode) budgets are not enforced.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import redis
from django.conf import settings

from integrations.errors import ProviderUnavailable
from integrations.http import CONNECT_TIMEOUT, READ_TIMEOUT

MINUTE_MS = 60_000
# A crashed worker's concurrency slot frees itself after this: the longest a live call
# can hold one (a token refresh and the call itself, each within its timeouts), plus margin.
HOLDER_TTL_MS = 2 * (CONNECT_TIMEOUT + READ_TIMEOUT) * 1000 + 10_000
MAX_WAIT_S = 120.0


@dataclass(frozen=True)
class Limits:
    per_minute: int
    concurrent: int
    per_day: int


class DailyLimitReached(Exception):
    def __init__(self, resets_at: datetime) -> None:
        super().__init__(f"the provider's daily limit is reached until {resets_at:%H:%M} UTC")
        self.resets_at = resets_at


# Returns {1, 0} when granted, else {code, wait_ms}: -1 blocked (429), -2 concurrency,
# -3 minute window, -4 day.
_ACQUIRE = """
local now, minute_limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local concurrent, day_limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local holder, holder_ttl, day_ttl = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local blocked = redis.call('PTTL', KEYS[4])
if blocked > 0 then return {-1, blocked} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - holder_ttl)
if redis.call('ZCARD', KEYS[3]) >= concurrent then return {-2, 5} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[1]) >= minute_limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {-3, math.max(1, tonumber(oldest[2]) + 60000 - now)}
end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= day_limit then return {-4, day_ttl} end
redis.call('ZADD', KEYS[1], now, holder)
redis.call('PEXPIRE', KEYS[1], 61000)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], day_ttl + 3600000)
redis.call('ZADD', KEYS[3], now, holder)
redis.call('PEXPIRE', KEYS[3], holder_ttl)
return {1, 0}
"""


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _day_end(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


class Budget:
    def __init__(self, provider: str, remote_id: str, limits: Limits) -> None:
        self.limits = limits
        self.prefix = f"patchbay:budget:{provider}:{remote_id}"
        self.redis = _client(settings.REDIS_URL) if settings.REDIS_URL else None

    def _keys(self) -> list[str]:
        day = datetime.now(UTC).strftime("%Y%m%d")
        p = self.prefix
        return [f"{p}:minute", f"{p}:day:{day}", f"{p}:holders", f"{p}:blocked"]

    def _try(self, holder: str) -> tuple[int, int]:
        assert self.redis is not None  # noqa: S101 - only called with Redis
        now = datetime.now(UTC)
        day_ms = int((_day_end(now) - now).total_seconds() * 1000)
        code, wait = self.redis.eval(
            _ACQUIRE,
            4,
            *self._keys(),
            _now_ms(),
            self.limits.per_minute,
            self.limits.concurrent,
            self.limits.per_day,
            holder,
            HOLDER_TTL_MS,
            day_ms,
        )
        return int(code), int(wait)

    @contextmanager
    def permit(self) -> Iterator[None]:
        """Wait for room in every window, make the call, give the slot back."""
        if self.redis is None:
            yield
            return
        holder = uuid.uuid4().hex
        deadline = time.monotonic() + MAX_WAIT_S
        while True:
            code, wait_ms = self._try(holder)
            if code == 1:
                break
            if code == -4:
                raise DailyLimitReached(_day_end(datetime.now(UTC)))
            if time.monotonic() + wait_ms / 1000 > deadline:
                raise ProviderUnavailable("the provider's rate limit leaves no room for now")
            time.sleep(wait_ms / 1000)
        try:
            yield
        finally:
            self.redis.zrem(self._keys()[2], holder)

    def observe(self, minute_remaining: int | None, day_remaining: int | None) -> None:
        """Trust the provider's count when it says more was spent than we know of."""
        if self.redis is None:
            return
        minute_key, day_key, _, _ = self._keys()
        if minute_remaining is not None:
            spent = self.limits.per_minute - minute_remaining
            known = self.redis.zcount(minute_key, _now_ms() - MINUTE_MS, "+inf")
            for _ in range(max(0, spent - int(known))):
                self.redis.zadd(minute_key, {uuid.uuid4().hex: _now_ms()})
        if day_remaining is not None:
            spent = self.limits.per_day - day_remaining
            if int(self.redis.get(day_key) or 0) < spent:
                self.redis.set(day_key, spent, ex=26 * 3600)

    def block(self, seconds: float) -> None:
        """A 429's Retry-After: nobody calls this organisation until it has passed."""
        if self.redis is not None:
            self.redis.set(self._keys()[3], 1, px=max(1, int(seconds * 1000)))
