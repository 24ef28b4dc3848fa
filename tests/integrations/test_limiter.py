"""The one outbound limiter in real Redis, shared by every worker (threads here)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import time_machine

from accounting.providers.quickbooks.limits import BATCH
from accounting.providers.quickbooks.limits import LIMITS as QUICKBOOKS
from integrations.limiter import (
    BLOCKED,
    DAY_SPENT,
    GRANTED,
    SECOND_MS,
    WINDOW_FULL,
    DailyLimitReached,
    Limiter,
    Limits,
    Window,
    at_once,
    per_minute,
)


def fresh(limits: Limits) -> Limiter:
    return Limiter("xero", f"tenant-{uuid.uuid4().hex}", limits)


def test_the_minute_window_never_admits_more_than_the_limit() -> None:
    limiter = fresh(Limits((per_minute(5), at_once(10)), per_day=100))
    admitted = []
    with time_machine.travel(0, tick=False) as clock:
        for _ in range(5):
            with limiter.permit():
                admitted.append(time.time())
        code, wait_ms = limiter.try_acquire("probe")
        assert code == WINDOW_FULL and 59_000 <= wait_ms <= 60_000
        clock.shift(60.001)
        with limiter.permit():
            admitted.append(time.time())
    assert len(admitted) == 6


def test_concurrent_calls_are_capped_across_workers() -> None:
    limiter = fresh(Limits((per_minute(1000), at_once(2)), per_day=1000))
    inside, peak, lock = 0, 0, threading.Lock()

    def worker() -> None:
        nonlocal inside, peak
        with limiter.permit():
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


def test_a_slow_call_counts_until_a_full_window_after_it_ends() -> None:
    limiter = fresh(Limits((Window("second", 1, SECOND_MS, from_end=True),)))
    with time_machine.travel(0, tick=False) as clock:
        with limiter.permit():
            clock.shift(5)  # the call takes five seconds
            assert limiter.try_acquire("in-flight")[0] == WINDOW_FULL
        clock.shift(0.5)  # half a second after it ended: still counted
        code, wait_ms = limiter.try_acquire("probe")
        assert code == WINDOW_FULL and 400 <= wait_ms <= 500
        clock.shift(0.501)
        assert limiter.try_acquire("probe")[0] == GRANTED


def test_a_tagged_window_counts_only_calls_with_its_tag() -> None:
    limiter = fresh(Limits((per_minute(100), Window("batch", 1, 60_000, only_for="batch"))))
    with limiter.permit("batch"):
        pass
    assert limiter.try_acquire("plain")[0] == GRANTED  # an untagged call isn't a batch
    assert limiter.try_acquire("second-batch", "batch")[0] == WINDOW_FULL


def test_quickbooks_limits_are_intuits_figures() -> None:
    windows = {window.name: window for window in QUICKBOOKS.windows}
    assert (windows["minute"].limit, windows["second"].limit, QUICKBOOKS.concurrent) == (
        500,
        10,
        10,
    )
    assert windows["batch"].limit == 40 and windows["batch"].only_for == BATCH
    assert QUICKBOOKS.per_day is None


def test_the_providers_remaining_count_corrects_ours() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.observe(minute_remaining=0, day_remaining=4000)
    assert limiter.try_acquire("probe")[0] == WINDOW_FULL


def test_a_spent_day_raises_until_midnight() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.observe(minute_remaining=None, day_remaining=0)
    assert limiter.try_acquire("probe")[0] == DAY_SPENT
    with pytest.raises(DailyLimitReached) as raised, limiter.permit():
        pass
    assert raised.value.resets_at.hour == 0


def test_no_daily_limit_means_no_day_counter() -> None:
    limiter = fresh(Limits((per_minute(60),)))
    limiter.observe(minute_remaining=None, day_remaining=0)
    assert limiter.try_acquire("probe")[0] == GRANTED


def test_retry_after_blocks_everyone() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.block(30)
    code, wait_ms = limiter.try_acquire("probe")
    assert code == BLOCKED and 29_000 < wait_ms <= 30_000
