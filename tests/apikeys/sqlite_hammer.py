"""A process that spends a key's quota in the SQLite store (imports no Django, for spawn)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from apikeys.ratelimit import Window
from apikeys.sqlite_store import SqliteLimiter

STANDARD = (Window("minute", 100, 60), Window("hour", 5_000, 3_600))


def hammer(path: str, key: str, attempts: int, start: Barrier, admitted: Queue[int]) -> None:
    limiter = SqliteLimiter(Path(path))
    start.wait()
    admitted.put(sum(limiter.hit(key, STANDARD).allowed for _ in range(attempts)))
