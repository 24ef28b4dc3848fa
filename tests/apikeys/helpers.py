"""What the rate-limiter tests share: a clock the test moves, the standard windows, and
keys no other test uses."""

from __future__ import annotations

import uuid

from apikeys.ratelimit import Window

STANDARD = (Window("minute", 100, 60), Window("hour", 5_000, 3_600))
HOUR_MS = 3_600_000


class Clock:
    """Milliseconds that pass only when the test moves ``now``."""

    def __init__(self, start: int) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now


def new_key() -> str:
    """A key of its own (the redis_client fixture deletes its counters afterwards)."""
    return f"test-{uuid.uuid4().hex}"
