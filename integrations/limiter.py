"""The one outbound limiter: each provider's rate limits as data, enforced per remote
organisation for every worker through Redis.

A provider declares its `Limits`: sliding windows (calls per minute, per second, calls
at once, batch calls per minute ...) and an optional daily quota. Spending happens
before each call (proactive) and is corrected by the provider's remaining-quota headers
and by 429 + Retry-After (reactive). Sliding windows are logs of call times, so no burst
across a window boundary can exceed a provider's limit whether its own windows are
fixed or rolling. Without Redis (make run's embedded mode) nothing is enforced.

A caller that makes its calls one after another for a while (a calendar push's group of
events) may lease places instead of asking Redis before every call: inside
`serial_calls()`, one round trip takes up to LEASE_CALLS places, usable for LEASE_SECONDS,
and the group's end gives back what it did not use. The lease errs on the side of the
provider: its places count as calls made at the lease's last moment (so each counts at
least as long as the real call would), and a calls-at-once place is held for the whole
lease (the caller has one call in flight at most, all along). Windows that count a call
until some time after it ends cannot be leased that way; their calls are asked for one
by one as outside a lease.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import redis
from django.conf import settings
from redis.commands.core import Script

from integrations.errors import ProviderUnavailable
from integrations.http import CONNECT_TIMEOUT, READ_TIMEOUT

SECOND_MS = 1_000
MINUTE_MS = 60_000
# A crashed worker's call in flight frees its place after this: the longest a live call
# can last (a token refresh and the call itself, each within its timeouts), plus margin.
HOLDER_TTL_MS = 2 * (CONNECT_TIMEOUT + READ_TIMEOUT) * 1000 + 10_000
MAX_WAIT_S = 120.0
KEY_PREFIX = "patchbay:budget"
# A lease (see the module): at most this many calls, started within this long.
LEASE_CALLS = 50
LEASE_SECONDS = 1.0


@dataclass(frozen=True)
class Window:
    """At most `limit` calls in any `span_ms`.

    A call counts from its start; with `from_end` it counts while in flight and until
    `span_ms` after it ends (for providers that may count a slow call when it finishes;
    a span of 0 then caps calls at once). With `only_for`, only calls made with that tag
    count (QuickBooks' batch calls)."""

    name: str
    limit: int
    span_ms: int
    from_end: bool = False
    only_for: str = ""


def per_minute(limit: int) -> Window:
    return Window("minute", limit, MINUTE_MS)


def at_once(limit: int) -> Window:
    return Window("at-once", limit, 0, from_end=True)


@dataclass(frozen=True)
class Limits:
    """A provider's limits per remote organisation."""

    windows: tuple[Window, ...]
    per_day: int | None = None  # calls per UTC day; None where the provider sets none

    def window(self, name: str) -> Window | None:
        return next((window for window in self.windows if window.name == name), None)

    def leasable(self, tag: str = "") -> bool:
        """Whether serial calls tagged `tag` can lease places: every window counting them
        counts a call from its start, or only while it is in flight (calls at once)."""
        return all(not window.from_end or window.span_ms == 0 for window in _counting(self, tag))

    @property
    def concurrent(self) -> int:
        """Calls at once, for callers that size thread pools."""
        window = self.window("at-once")
        return window.limit if window else 1


def _counting(limits: Limits, tag: str) -> list[Window]:
    """The windows that count a call tagged `tag` (an untagged window counts every call)."""
    return [w for w in limits.windows if not w.only_for or w.only_for == tag]


class DailyLimitReached(Exception):
    def __init__(self, resets_at: datetime) -> None:
        super().__init__(f"the provider's daily limit is reached until {resets_at:%H:%M} UTC")
        self.resets_at = resets_at


GRANTED, BLOCKED, WINDOW_FULL, DAY_SPENT = 1, -1, -2, -4
POLL_MS = 10  # how often to look again when only a call in flight can free a place

# KEYS: blocked flag, day counter, then one sorted set per window. ARGV: now, holder,
# holder_ttl, day_limit (-1: none), ms to the day's end, places wanted, ms ahead, then
# (limit, span, from_end) per window. Returns {GRANTED, places granted} or {code, ms to
# wait}. One place wanted: the holder itself is the member, stamped now. More (a lease):
# as many as every window has room for, members holder:1 .. holder:n in the windows that
# count starts, stamped `ahead` ms from now; a window that counts calls in flight gets the
# holder once, whatever the number.
_ACQUIRE = f"""
local now, holder, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local day_limit, day_ms = tonumber(ARGV[4]), tonumber(ARGV[5])
local want, ahead = tonumber(ARGV[6]), tonumber(ARGV[7])
local blocked = redis.call('PTTL', KEYS[1])
if blocked > 0 then return {{{BLOCKED}, blocked}} end
local wait, room = 0, want
for i = 3, #KEYS do
  local at = 8 + (i - 3) * 3
  local limit, span = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - span)
  local held = redis.call('ZCARD', KEYS[i])
  if held >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local free_at = tonumber(oldest[2]) + span
    if free_at > now + span then
      wait = math.max(wait, {POLL_MS})
    else
      wait = math.max(wait, math.max(1, free_at - now))
    end
  elseif ARGV[at + 2] ~= '1' then
    room = math.min(room, limit - held)
  end
end
if wait > 0 then return {{{WINDOW_FULL}, wait}} end
if day_limit >= 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used >= day_limit then return {{{DAY_SPENT}, day_ms}} end
  room = math.min(room, day_limit - used)
end
for i = 3, #KEYS do
  local at = 8 + (i - 3) * 3
  if ARGV[at + 2] == '1' then
    redis.call('ZADD', KEYS[i], now + ttl, holder)
  elseif want == 1 then
    redis.call('ZADD', KEYS[i], now, holder)
  else
    for j = 1, room do redis.call('ZADD', KEYS[i], now + ahead, holder .. ':' .. j) end
  end
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[at + 1]) + ttl + ahead + 60000)
end
if day_limit >= 0 then
  redis.call('INCRBY', KEYS[2], room)
  redis.call('PEXPIRE', KEYS[2], day_ms + 3600000)
end
return {{{GRANTED}, room}}
"""


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@cache
def _acquire_script(url: str) -> Script:
    """_ACQUIRE by its digest (EVALSHA; loaded again if Redis lost it): not the whole
    script sent and hashed before every call."""
    return _client(url).register_script(_ACQUIRE)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _day_end(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


class Limiter:
    """The limits of one remote organisation (`scope`) of one provider."""

    def __init__(self, provider: str, scope: str, limits: Limits) -> None:
        self.limits = limits
        self.prefix = f"{KEY_PREFIX}:{provider}:{scope}"
        self.redis = _client(settings.REDIS_URL) if settings.REDIS_URL else None
        self._acquire = _acquire_script(settings.REDIS_URL) if settings.REDIS_URL else None

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def _day_key(self) -> str:
        return self._key(f"day:{datetime.now(UTC):%Y%m%d}")

    def _windows(self, tag: str) -> list[Window]:
        return _counting(self.limits, tag)

    def try_acquire(
        self, holder: str, tag: str = "", *, want: int = 1, ahead_ms: int = 0
    ) -> tuple[int, int]:
        """One attempt: (GRANTED, places granted) or (BLOCKED | WINDOW_FULL | DAY_SPENT,
        ms to wait). More than one place wanted is a lease (see the module)."""
        assert self._acquire is not None  # noqa: S101 - only called with Redis
        windows = self._windows(tag)
        now = datetime.now(UTC)
        day_ms = int((_day_end(now) - now).total_seconds() * 1000)
        spans = [
            value
            for window in windows
            for value in (window.limit, window.span_ms, int(window.from_end))
        ]
        keys = [self._key("blocked"), self._day_key(), *[self._key(w.name) for w in windows]]
        limit = -1 if self.limits.per_day is None else self.limits.per_day
        args: list[str | int] = [_now_ms(), holder, HOLDER_TTL_MS, limit, day_ms, want, ahead_ms]
        args += spans
        code, value = self._acquire(keys=keys, args=args)
        return int(code), int(value)

    def _wait_for(self, holder: str, tag: str, want: int, ahead_ms: int) -> tuple[int, float]:
        """Ask until granted, sleeping as told; the places granted, and when (monotonic)
        the granting ask was made."""
        deadline = time.monotonic() + MAX_WAIT_S
        while True:
            asked = time.monotonic()
            code, value = self.try_acquire(holder, tag, want=want, ahead_ms=ahead_ms)
            if code == GRANTED:
                return value, asked
            if code == DAY_SPENT:
                raise DailyLimitReached(_day_end(datetime.now(UTC)))
            if time.monotonic() + value / 1000 > deadline:
                raise ProviderUnavailable("the provider's rate limit leaves no room for now")
            time.sleep(value / 1000)

    @contextmanager
    def permit(self, tag: str = "") -> Iterator[None]:
        """Wait for room in every window that counts this call, make it, then mark its end.
        Inside `serial_calls()` the room comes from a lease where the limits allow one."""
        if self.redis is None:
            yield
            return
        leases = _leases.get()
        if leases is not None and self.limits.leasable(tag):
            self._from_lease(leases, tag)
            yield
            return
        holder = uuid.uuid4().hex
        self._wait_for(holder, tag, 1, 0)
        try:
            yield
        finally:
            self._ended(holder, tag)

    def _from_lease(self, leases: dict[str, Lease], tag: str) -> None:
        """One call's place from this caller's lease, leasing again when it is spent or
        its time is up."""
        key = f"{self.prefix}|{tag}"
        lease = leases.get(key)
        if lease is not None and lease.used < lease.granted and time.monotonic() < lease.until:
            lease.used += 1
            return
        if lease is not None:
            del leases[key]
            self._give_back(lease)
        holder = uuid.uuid4().hex
        # Stamped a full LEASE_SECONDS ahead of the asking: later than any call it allows.
        ahead_ms = int(LEASE_SECONDS * 1000)
        granted, asked = self._wait_for(holder, tag, LEASE_CALLS, ahead_ms)
        leases[key] = Lease(self, tag, holder, granted, asked + LEASE_SECONDS, used=1)

    def _give_back(self, lease: Lease) -> None:
        """The lease is over: its unused places are freed and its calls-at-once place
        ends now."""
        assert self.redis is not None  # noqa: S101 - leases are only made with Redis
        pipe = self.redis.pipeline(transaction=False)
        for window in self._windows(lease.tag):
            key = self._key(window.name)
            if window.from_end:
                pipe.zadd(key, {lease.holder: _now_ms()}, xx=True)
            elif lease.used < lease.granted:
                unused = range(lease.used + 1, lease.granted + 1)
                pipe.zrem(key, *[f"{lease.holder}:{n}" for n in unused])
        pipe.execute()

    def _ended(self, holder: str, tag: str) -> None:
        assert self.redis is not None  # noqa: S101 - permit returns early without Redis
        pipe = self.redis.pipeline()
        for window in self._windows(tag):
            if window.from_end:
                pipe.zadd(self._key(window.name), {holder: _now_ms()}, xx=True)
        pipe.execute()

    def observe(self, minute_remaining: int | None, day_remaining: int | None) -> None:
        """Trust the provider's count when it says more was spent than we know of."""
        if self.redis is None:
            return
        minute = self.limits.window("minute")
        if minute is not None and minute_remaining is not None:
            key = self._key(minute.name)
            spent = minute.limit - minute_remaining
            known = self.redis.zcount(key, _now_ms() - minute.span_ms, "+inf")
            for _ in range(max(0, spent - int(known))):
                self.redis.zadd(key, {uuid.uuid4().hex: _now_ms()})
        if self.limits.per_day is not None and day_remaining is not None:
            spent = self.limits.per_day - day_remaining
            if int(self.redis.get(self._day_key()) or 0) < spent:
                self.redis.set(self._day_key(), spent, ex=26 * 3600)

    def block(self, seconds: float) -> None:
        """A 429's Retry-After: nobody calls this organisation until it has passed (this
        caller's leases on it end here, so its next call asks Redis and waits too)."""
        if self.redis is None:
            return
        self.redis.set(self._key("blocked"), 1, px=max(1, int(seconds * 1000)))
        leases = _leases.get()
        for key in [key for key in leases or {} if key.startswith(f"{self.prefix}|")]:
            assert leases is not None  # noqa: S101 - the loop runs only with leases
            self._give_back(leases.pop(key))


@dataclass
class Lease:
    """Places taken in one round trip for a caller's serial calls (see the module)."""

    limiter: Limiter
    tag: str
    holder: str
    granted: int
    until: float  # time.monotonic(): no call starts on this lease from then on
    used: int = 0


# The current caller's leases, by limiter and tag, inside `serial_calls()`.
_leases: ContextVar[dict[str, Lease] | None] = ContextVar("limiter_leases", default=None)


@contextmanager
def serial_calls() -> Iterator[None]:
    """Calls made inside, one at a time, take their places from leases (see the module);
    what is left of them is given back when the block ends."""
    leases: dict[str, Lease] = {}
    mark = _leases.set(leases)
    try:
        yield
    finally:
        _leases.reset(mark)
        for lease in leases.values():
            lease.limiter._give_back(lease)
