"""Rate budgets in real Redis, shared by every worker (threads here)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import time_machine

from integrations.budget import Budget, DailyLimitReached, Limits


def fresh(limits: Limits) -> Budget:
    return Budget("xero", f"tenant-{uuid.uuid4().hex}", limits)


def test_the_minute_window_never_admits_more_than_the_limit() -> None:
    budget = fresh(Limits(per_minute=5, concurrent=10, per_day=100))
    admitted = []
    with time_machine.travel(0, tick=False) as clock:
        for _ in range(5):
            with budget.permit():
                admitted.append(time.time())
        code, wait_ms = budget._try("probe")
        assert code == -3 and 59_000 <= wait_ms <= 60_000
        clock.shift(60.001)
        with budget.permit():
            admitted.append(time.time())
    assert len(admitted) == 6


def test_concurrent_calls_are_capped_across_workers() -> None:
    budget = fresh(Limits(per_minute=1000, concurrent=2, per_day=1000))
    inside, peak, lock = 0, 0, threading.Lock()

    def worker() -> None:
        nonlocal inside, peak
        with budget.permit():
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_the_providers_remaining_count_corrects_ours() -> None:
    budget = fresh(Limits(per_minute=60, concurrent=5, per_day=5000))
    budget.observe(minute_remaining=0, day_remaining=4000)
    assert budget._try("probe")[0] == -3


def test_a_spent_day_raises_until_midnight() -> None:
    budget = fresh(Limits(per_minute=60, concurrent=5, per_day=5000))
    budget.observe(minute_remaining=None, day_remaining=0)
    with pytest.raises(DailyLimitReached) as raised, budget.permit():
        pass
    assert raised.value.resets_at.hour == 0


def test_retry_after_blocks_everyone() -> None:
    budget = fresh(Limits(per_minute=60, concurrent=5, per_day=5000))
    budget.block(30)
    code, wait_ms = budget._try("probe")
    assert code == -1 and 29_000 < wait_ms <= 30_000
