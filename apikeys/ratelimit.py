"""Per-key rate limits: every window checked, and spent only if all admit, in one Redis step.

Each window (a minute, an hour) is cut into 60 slots held in one Redis hash per
key and window. A request is admitted when the slots covering the last window
*plus the slot in progress* hold fewer requests than the limit. Counting that
extra partial slot makes the check conservative: no span of one window length
ever admits more than the limit (a fixed window admits twice the limit across
its boundary; a two-bucket sliding counter estimates and can overshoot). The
price is that a slot's requests count for up to one slot (1/60 of the window)
longer than strictly needed.

One Lua script reads every window, admits or refuses, and only then increments
all of them, so a request refused by the minute never spends the hour. Scripts
run atomically in Redis (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/),
so concurrent requests on one key cannot both take the last unit. The same
script sets the "last used" gate, so tracking it costs no extra round trip.

Without Redis (``make run``'s embedded default) ``sqlite_store.SqliteLimiter``
makes the same decisions (``slots.decide`` is this script in Python) over a
SQLite file that every process on the machine shares. Both are a ``Store``;
settings choose one (``limiting.py``).

When the store cannot be reached the decision is made in this process alone, with
its share of each limit (see ``LocalLimiter``): the API stays up, limits stay
roughly right, and nothing waits on a dead server for more than the socket
timeout, then not at all for ``BREAKER_SECONDS``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import redis

from apikeys.slots import SLOTS

BREAKER_SECONDS = 5.0
Clock = Callable[[], int]

SCRIPT = """
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local slots = tonumber(ARGV[3])
local gate = tonumber(ARGV[4])
local allowed, retry, violated = 1, 0, 0
local totals, resets, currents = {}, {}, {}
for i = 1, n do
  local limit = tonumber(ARGV[3 + 2 * i])
  local window = tonumber(ARGV[4 + 2 * i])
  local slot_ms = window / slots
  local current = math.floor(now / slot_ms)
  local flat = redis.call('HGETALL', KEYS[i])
  local counted, stale, total = {}, {}, 0
  for j = 1, #flat, 2 do
    local slot = tonumber(flat[j])
    if slot < current - slots then
      stale[#stale + 1] = flat[j]
    else
      local count = tonumber(flat[j + 1])
      counted[#counted + 1] = {slot, count}
      total = total + count
    end
  end
  if #stale > 0 then redis.call('HDEL', KEYS[i], unpack(stale)) end
  table.sort(counted, function(a, b) return a[1] < b[1] end)
  resets[i] = window
  if #counted > 0 then resets[i] = (counted[1][1] + slots + 1) * slot_ms - now end
  if total + 1 > limit then
    allowed = 0
    violated = violated + 2 ^ (i - 1)
    local need, freed, wait = total + 1 - limit, 0, window
    for j = 1, #counted do
      freed = freed + counted[j][2]
      if freed >= need then
        wait = (counted[j][1] + slots + 1) * slot_ms - now
        break
      end
    end
    if wait > retry then retry = wait end
  end
  totals[i] = total
  currents[i] = string.format('%d', current)
end
local touched = 0
if allowed == 1 then
  for i = 1, n do
    local window = tonumber(ARGV[4 + 2 * i])
    redis.call('HINCRBY', KEYS[i], currents[i], 1)
    redis.call('PEXPIRE', KEYS[i], window + 2 * window / slots)
    totals[i] = totals[i] + 1
  end
  if redis.call('SET', KEYS[n + 1], '1', 'NX', 'EX', gate) then touched = 1 end
end
local reply = {allowed, math.ceil(retry), violated, touched}
for i = 1, n do reply[#reply + 1] = totals[i] end
for i = 1, n do reply[#reply + 1] = math.ceil(resets[i]) end
return reply
"""


@dataclass(frozen=True)
class Window:
    name: str
    limit: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    windows: tuple[Window, ...]
    used: tuple[int, ...]
    reset_ms: tuple[int, ...]
    retry_after_ms: int
    violated: tuple[str, ...]
    touch_last_used: bool
    degraded: bool = False

    def remaining(self) -> list[int]:
        return [max(0, w.limit - used) for w, used in zip(self.windows, self.used, strict=True)]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class StoreUnavailable(Exception):
    """The shared counters could not be read or written: decide locally for a while."""


class Store(Protocol):
    """Where a key's counters live: spend one request of every window, or refuse."""

    def hit(
        self, key_id: int | str, windows: Sequence[Window], gate_seconds: int = 60
    ) -> Decision: ...


class RedisLimiter:
    def __init__(self, client: redis.Redis, clock: Clock = wall_clock_ms) -> None:
        self.script = client.register_script(SCRIPT)
        self.clock = clock

    def hit(self, key_id: int | str, windows: Sequence[Window], gate_seconds: int = 60) -> Decision:
        keys = [f"rl:{{{key_id}}}:{w.name}" for w in windows] + [f"lu:{{{key_id}}}"]
        args: list[Any] = [self.clock(), len(windows), SLOTS, gate_seconds]
        for window in windows:
            args += [window.limit, window.seconds * 1000]
        try:
            reply = [int(value) for value in self.script(keys=keys, args=args)]
        except redis.RedisError as error:
            raise StoreUnavailable(f"Redis: {error}") from error
        return _decision(tuple(windows), reply)


def _decision(windows: tuple[Window, ...], reply: list[int]) -> Decision:
    allowed, retry_ms, violated_mask, touched = reply[:4]
    n = len(windows)
    return Decision(
        allowed=bool(allowed),
        windows=windows,
        used=tuple(reply[4 : 4 + n]),
        reset_ms=tuple(reply[4 + n : 4 + 2 * n]),
        retry_after_ms=retry_ms,
        violated=tuple(w.name for i, w in enumerate(windows) if violated_mask >> i & 1),
        touch_last_used=bool(touched),
    )


class LocalLimiter:
    """Fixed windows in this process only, each at ``1/processes`` of the limit.

    Used while the shared store is unreachable. With the load spread over
    ``processes`` web processes, a key gets roughly its limit in all; one process
    alone can't be made to give a key more than its share. "Last used" keeps its
    own gate here, so it stays current (once per key per process per period).
    """

    def __init__(self, processes: int, clock: Clock = wall_clock_ms) -> None:
        self.processes = max(1, processes)
        self.clock = clock
        # (key id, window length in ms, window number) -> requests admitted
        self.counts: dict[tuple[int | str, int, int], int] = {}
        # key id -> when "last used" may be written again
        self.gates: dict[int | str, int] = {}
        self.lock = threading.Lock()

    def hit(self, key_id: int | str, windows: Sequence[Window], gate_seconds: int = 60) -> Decision:
        now = self.clock()
        shared = tuple(
            Window(w.name, max(1, w.limit // self.processes), w.seconds) for w in windows
        )
        buckets = [(key_id, w.seconds * 1000, now // (w.seconds * 1000)) for w in shared]
        with self.lock:
            self._forget_finished(now)
            used = [self.counts.get(bucket, 0) for bucket in buckets]
            refused = [w.name for w, u in zip(shared, used, strict=True) if u >= w.limit]
            touched = False
            if not refused:
                for bucket in buckets:
                    self.counts[bucket] = self.counts.get(bucket, 0) + 1
                used = [u + 1 for u in used]
                touched = self._open_gate(key_id, now, gate_seconds)
        resets = [length - now % length for _, length, _ in buckets]
        waits = [r for w, r in zip(shared, resets, strict=True) if w.name in refused]
        return Decision(
            allowed=not refused,
            windows=shared,
            used=tuple(used),
            reset_ms=tuple(resets),
            retry_after_ms=max(waits, default=0),
            violated=tuple(refused),
            touch_last_used=touched,
            degraded=True,
        )

    def _open_gate(self, key_id: int | str, now: int, gate_seconds: int) -> bool:
        if self.gates.get(key_id, 0) > now:
            return False
        self.gates[key_id] = now + gate_seconds * 1000
        return True

    def _forget_finished(self, now: int) -> None:
        finished = [b for b in self.counts if (b[2] + 1) * b[1] <= now]
        for bucket in finished:
            del self.counts[bucket]
        for key_id in [k for k, opens in self.gates.items() if opens <= now]:
            del self.gates[key_id]


class Limiter:
    """The shared store first; the local fallback while it fails (a simple circuit breaker)."""

    def __init__(self, primary: Store | None, fallback: LocalLimiter) -> None:
        self.primary = primary
        self.fallback = fallback
        self.down_until = 0.0
        self.failures = 0

    def hit(self, key_id: int | str, windows: Sequence[Window], gate_seconds: int = 60) -> Decision:
        if self.primary is not None and time.monotonic() >= self.down_until:
            try:
                return self.primary.hit(key_id, windows, gate_seconds)
            except StoreUnavailable:
                self.failures += 1
                self.down_until = time.monotonic() + BREAKER_SECONDS
        return self.fallback.hit(key_id, windows, gate_seconds)


def retry_after_seconds(decision: Decision) -> int:
    return max(1, math.ceil(decision.retry_after_ms / 1000))
