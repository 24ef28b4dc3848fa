"""Intuit's short windows, which the shared minute/at-once/day budget does not express:
10 calls a second per company and app, and 40 batch calls a minute per company and app.
https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles

A call counts from its start until a full window after it *ends*: QuickBooks may count
a slow call when it finishes, so a window counted from starts would let one call too
many through now and then. In Redis beside the budgets (every worker shares it); without
Redis nothing is enforced, like the budgets.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from integrations.budget import HOLDER_TTL_MS, MAX_WAIT_S, _client, _now_ms
from integrations.errors import ProviderUnavailable

SECOND_MS = 1_000
MINUTE_MS = 60_000
PER_SECOND = 10
BATCHES_PER_MINUTE = 40

# KEYS: one sorted set per window. ARGV: now, holder, holder_ttl, then (limit, span) per key.
# A call in flight scores now + holder_ttl (counted whatever its age; a crashed worker's
# entry lapses); a finished one scores its end. Returns 0 when granted, else ms to wait.
_ACQUIRE = """
local now, holder, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit, span = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local free_at = tonumber(oldest[2]) + span
    wait = math.max(wait, free_at > now + span and 25 or math.max(1, free_at - now))
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, holder)
  redis.call('PEXPIRE', key, ttl + 120000)
end
return 0
"""


class Throttle:
    def __init__(self, realm_id: str, client_id: str) -> None:
        self.prefix = f"patchbay:budget:quickbooks-throttle:{realm_id}:{client_id}"
        self.redis = _client(settings.REDIS_URL) if settings.REDIS_URL else None

    def _windows(self, batch: bool) -> list[tuple[str, int, int]]:
        windows = [(f"{self.prefix}:second", PER_SECOND, SECOND_MS)]
        if batch:
            windows.append((f"{self.prefix}:batch", BATCHES_PER_MINUTE, MINUTE_MS))
        return windows

    @contextmanager
    def permit(self, *, batch: bool = False) -> Iterator[None]:
        if self.redis is None:
            yield
            return
        windows = self._windows(batch)
        keys = [key for key, _, _ in windows]
        spans = [value for _, limit, span in windows for value in (limit, span)]
        holder = uuid.uuid4().hex
        deadline = time.monotonic() + MAX_WAIT_S
        while True:
            wait_ms = int(
                self.redis.eval(
                    _ACQUIRE, len(keys), *keys, _now_ms(), holder, HOLDER_TTL_MS, *spans
                )
            )
            if wait_ms == 0:
                break
            if time.monotonic() + wait_ms / 1000 > deadline:
                raise ProviderUnavailable("QuickBooks' rate limits leave no room for now")
            time.sleep(wait_ms / 1000)
        try:
            yield
        finally:
            for key in keys:
                self.redis.zadd(key, {holder: _now_ms()}, xx=True)
