"""The slot-counting decision of ``ratelimit.SCRIPT``, in Python, for stores without Lua.

``ratelimit.py`` explains the algorithm. This is a line-by-line port of the Lua
script's arithmetic (the same float operations in the same order, so the same
answers to the millisecond) for the embedded SQLite store; a store calls
``decide`` inside its own transaction and then spends the slots it names.
``tests/apikeys/test_ratelimit_stores.py`` holds both stores to identical decisions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SLOTS = 60


@dataclass(frozen=True)
class WindowCount:
    """One window's state at ``now``: what it holds, and what admitting one more costs."""

    current_slot: int
    total: int
    reset_ms: float
    wait_ms: float | None  # None: this window admits one more request


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    counts: tuple[WindowCount, ...]

    @property
    def retry_after_ms(self) -> int:
        waits = [count.wait_ms for count in self.counts if count.wait_ms is not None]
        return math.ceil(max(waits, default=0))


def slot_ms(window_seconds: int) -> float:
    return window_seconds * 1000 / SLOTS


def is_stale(slot: int, current_slot: int) -> bool:
    return slot < current_slot - SLOTS


def count_window(now: int, limit: int, seconds: int, slots: Mapping[int, int]) -> WindowCount:
    length, width = seconds * 1000, slot_ms(seconds)
    current = math.floor(now / width)
    counted = sorted((slot, hits) for slot, hits in slots.items() if not is_stale(slot, current))
    total = sum(hits for _, hits in counted)
    reset = (counted[0][0] + SLOTS + 1) * width - now if counted else float(length)
    wait = None
    if total + 1 > limit:
        wait = _wait_until_freed(now, width, counted, need=total + 1 - limit, longest=length)
    return WindowCount(current, total, reset, wait)


def _wait_until_freed(
    now: int, width: float, counted: Sequence[tuple[int, int]], need: int, longest: int
) -> float:
    freed = 0
    for slot, hits in counted:
        freed += hits
        if freed >= need:
            return (slot + SLOTS + 1) * width - now
    return float(longest)


def decide(
    now: int, windows: Sequence[tuple[int, int]], slots: Sequence[Mapping[int, int]]
) -> Verdict:
    """``windows`` as (limit, seconds); ``slots`` maps each window's slot numbers to hits."""
    counts = tuple(
        count_window(now, limit, seconds, held)
        for (limit, seconds), held in zip(windows, slots, strict=True)
    )
    return Verdict(all(count.wait_ms is None for count in counts), counts)
