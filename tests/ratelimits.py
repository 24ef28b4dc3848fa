"""A fixture for suites that exercise per-key API rate limits (shared Redis counters)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from apikeys import limiting


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no rate-limit counters (only this suite's Redis db is touched)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ("rl:*", "lu:*", "*apikey-refused:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)
    limiting._limiter.cache_clear()
    yield
    limiting._limiter.cache_clear()
