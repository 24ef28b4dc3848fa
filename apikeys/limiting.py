"""The process's limiter, built from settings, and the HTTP headers of a decision.

Headers follow the IETF draft "RateLimit header fields for HTTP"
(https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/):
``RateLimit-Policy`` names each window's quota ``q`` and length ``w``;
``RateLimit`` gives what is left ``r`` and the seconds ``t`` until it grows again.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from apikeys import services
from apikeys.models import ApiKey
from apikeys.ratelimit import Decision, Limiter, LocalLimiter, RedisLimiter, Store
from apikeys.sqlite_store import SqliteLimiter


def _redis_store(redis_url: str, timeout: float) -> RedisLimiter:
    client = redis.Redis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return RedisLimiter(client)


@cache
def _limiter(
    store: str, redis_url: str, sqlite_path: Path, timeout: float, processes: int
) -> Limiter:
    primary: Store
    if store == "redis":
        primary = _redis_store(redis_url, timeout)
    elif store == "sqlite":
        primary = SqliteLimiter(Path(sqlite_path))
    else:
        raise ImproperlyConfigured(f"API_RATE_LIMIT_STORE must be redis or sqlite, not {store!r}.")
    return Limiter(primary, LocalLimiter(processes))


def limiter() -> Limiter:
    return _limiter(
        settings.API_RATE_LIMIT_STORE,
        settings.REDIS_URL,
        settings.API_RATE_LIMIT_SQLITE_PATH,
        settings.API_RATE_LIMIT_REDIS_TIMEOUT,
        settings.API_RATE_LIMIT_PROCESSES,
    )


def spend(key: ApiKey) -> Decision:
    """Spend one request of ``key``'s quota (or refuse), and keep "last used" current."""
    decision = limiter().hit(key.pk, services.windows_for(key), settings.API_KEY_LAST_USED_SECONDS)
    if decision.touch_last_used:
        services.note_use(key, timezone.now())
    return decision


def headers(decision: Decision) -> dict[str, str]:
    if decision.degraded:
        # Local fallback numbers describe one process only: say nothing rather than mislead.
        return {}
    policy = ", ".join(f'"{w.name}";q={w.limit};w={w.seconds}' for w in decision.windows)
    state = ", ".join(
        f'"{w.name}";r={left};t={max(0, math.ceil(reset / 1000))}'
        for w, left, reset in zip(
            decision.windows, decision.remaining(), decision.reset_ms, strict=True
        )
    )
    return {"RateLimit-Policy": policy, "RateLimit": state}
