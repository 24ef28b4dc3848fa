from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from tests.ratelimits import fresh_rate_limits

__all__ = ["fresh_rate_limits", "redis_client"]


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """This suite's Redis; afterwards, every counter and gate of the tests' own keys
    (tests.apikeys.helpers.new_key) is deleted."""
    connection = redis.Redis.from_url(settings.REDIS_URL)
    yield connection
    for key in connection.scan_iter("*{test-*"):
        connection.delete(key)
